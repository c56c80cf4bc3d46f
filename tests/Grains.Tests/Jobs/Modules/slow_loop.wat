;; A3/A11: burns time. The input's first 4 bytes (little-endian u32) give the iteration count; each iteration runs
;; eight dependent 64-bit divisions by a divisor unknown at compile time, so a run lasts long enough
;; to be interrupted by a timeout, a cancel or a lost worker (42 fuel per iteration). Returns "done".
(module
  (memory (export "memory") 1)
  (data (i32.const 16) "done")
  (func (export "onvm_main") (param $in i32) (param $len i32) (result i32 i32)
    (local $n i32)
    (local $d i64)
    (local $x i64)
    (if (i32.ge_u (local.get $len) (i32.const 4))
      (then (local.set $n (i32.load (local.get $in)))))
    (local.set $d (i64.extend_i32_u (i32.add (local.get $len) (i32.const 3))))
    (local.set $x (i64.const 0x7fffffffffffffff))
    (block $done
      (loop $spin
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (local.set $x
          (i64.or (i64.div_u
          (i64.or (i64.div_u
          (i64.or (i64.div_u
          (i64.or (i64.div_u
          (i64.or (i64.div_u
          (i64.or (i64.div_u
          (i64.or (i64.div_u
          (i64.or (i64.div_u (local.get $x) (local.get $d)) (i64.const 0x7000000000000000))
            (local.get $d)) (i64.const 0x7000000000000000))
            (local.get $d)) (i64.const 0x7000000000000000))
            (local.get $d)) (i64.const 0x7000000000000000))
            (local.get $d)) (i64.const 0x7000000000000000))
            (local.get $d)) (i64.const 0x7000000000000000))
            (local.get $d)) (i64.const 0x7000000000000000))
            (local.get $d)) (i64.const 0x7000000000000000)))
        (br $spin)))
    (i32.const 16)
    (i32.const 4)))
