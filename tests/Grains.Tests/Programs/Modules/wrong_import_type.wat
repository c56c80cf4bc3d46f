;; Imports onvm_log with the wrong signature.
(module
  (import "env" "onvm_log" (func $log (param i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "onvm_main") (param $in i32) (param $len i32) (result i32 i32)
    (i32.const 0) (i32.const 0)))
