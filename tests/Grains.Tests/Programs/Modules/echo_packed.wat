;; Echo, packed entrypoint: (in_ptr, in_len) -> i64 with the output pointer in the high 32 bits.
(module
  (memory (export "memory") 1)
  (func (export "onvm_main") (param $in i32) (param $len i32) (result i64)
    (i64.or
      (i64.shl (i64.extend_i32_u (local.get $in)) (i64.const 32))
      (i64.extend_i32_u (local.get $len)))))
