;; The benchmark's trivial program: returns its input unchanged.
(module
  (memory (export "memory") 1)
  (func (export "onvm_main") (param $in i32) (param $len i32) (result i32 i32)
    (local.get $in)
    (local.get $len)))
