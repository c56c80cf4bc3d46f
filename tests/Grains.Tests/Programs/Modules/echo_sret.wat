;; Echo, struct-return entrypoint: (sret_ptr, in_ptr, in_len) -> () writing (out_ptr, out_len) at sret_ptr.
;; It also checks that the host zeroed the 8 reserved bytes (traps otherwise).
(module
  (memory (export "memory") 1)
  (func (export "onvm_main") (param $sret i32) (param $in i32) (param $len i32)
    (if (i64.ne (i64.load (local.get $sret)) (i64.const 0)) (then unreachable))
    (i32.store (local.get $sret) (local.get $in))
    (i32.store offset=4 (local.get $sret) (local.get $len))))
