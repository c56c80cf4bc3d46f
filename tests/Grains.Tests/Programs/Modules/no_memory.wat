;; Has no memory export.
(module
  (memory 1)
  (func (export "onvm_main") (param $in i32) (param $len i32) (result i32 i32)
    (i32.const 0) (i32.const 0)))
