;; A program that traps at once (unreachable): the attempt fails with ExecutionError and is not retried.
(module
  (memory (export "memory") 1)
  (func (export "onvm_main") (param i32 i32) (result i32 i32)
    (unreachable)))
