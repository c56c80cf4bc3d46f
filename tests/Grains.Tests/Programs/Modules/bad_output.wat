;; Returns an output range past the end of memory.
(module
  (memory (export "memory") 1)
  (func (export "onvm_main") (param $in i32) (param $len i32) (result i32 i32)
    (i32.const 65000) (i32.const 100000)))
