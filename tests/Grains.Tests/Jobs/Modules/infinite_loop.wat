;; A1: an entrypoint that never returns. Every iteration passes a fuel check, so the run ends with OutOfFuel and
;; consumes exactly its budget.
(module
  (memory (export "memory") 1)
  (func (export "onvm_main") (param i32 i32) (result i32 i32)
    (loop $forever
      (br $forever))
    (unreachable)))
