;; Returns its input unchanged, cheaply: the happy path without the samples' host calls.
(module
  (memory (export "memory") 1)
  (func (export "onvm_main") (param $in i32) (param $len i32) (result i32 i32)
    (local.get $in)
    (local.get $len)))
