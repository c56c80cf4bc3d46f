;; onvm_main has an unsupported signature.
(module
  (memory (export "memory") 1)
  (func (export "onvm_main") (param $in i32) (result i32)
    (local.get $in)))
