;; Float-heavy work whose output carries the bits of NaNs. With the engine's NaN canonicalization every NaN a float
;; operation produces is 0x7FF8000000000000 (f64) or 0x7FC00000 (f32), whatever the operands' payloads and whatever
;; the CPU would produce on its own (x86-64 gives 0xFFF8000000000000 for 0/0 and keeps a signalling NaN's payload).
;;
;; Input: the iteration count n as a little-endian u32 (1000 when the input is shorter than 4 bytes).
;; Output (72 bytes, little-endian):
;;   0  f64 bits of  sNaN(payload 1) + 1.0
;;   8  f64 bits of  -qNaN(payload 0xDEADBEEF0000) * 2.0
;;  16  f64 bits of  0/0 (from the run's own values)
;;  24  f64 bits of  sqrt(-1)
;;  32  f64 bits of  min(sNaN, 1.0)
;;  40  f64 bits of  promote(f32 sNaN(payload 0x200001))
;;  48  f32 bits of  f32 sNaN + 1.0
;;  52  f32 bits of  demote(-qNaN)
;;  56  h: i64 mix of every value below, over n iterations
;;  64  f64 bits of the final x
;; Each iteration, from x = 0.5: x = (3.9 * x) * (1 - x) (the logistic map); z = (x - x) / (x - x); w = sqrt(x - 1);
;; m = min(z, x); s = sNaN + x; f = f32(x) * 1.5; then h = mix(h, bits) for x, z, w, m, s, f in that order, with
;; mix(h, v) = rotl(h ^ v, 27) * 0x9E3779B97F4A7C15 (wrapping) and h starting at 0.
(module
  (memory (export "memory") 1)
  (func $mix (param $h i64) (param $v i64) (result i64)
    (i64.mul
      (i64.rotl (i64.xor (local.get $h) (local.get $v)) (i64.const 27))
      (i64.const 0x9E3779B97F4A7C15)))
  (func (export "onvm_main") (param $in i32) (param $len i32) (result i32 i32)
    (local $n i32) (local $i i32)
    (local $x f64) (local $z f64) (local $w f64) (local $m f64) (local $s f64) (local $f f32)
    (local $h i64) (local $snan f64) (local $qnan f64) (local $snan32 f32) (local $zero f64)
    (local.set $n (i32.const 1000))
    (if (i32.ge_u (local.get $len) (i32.const 4))
      (then (local.set $n (i32.load (local.get $in)))))
    (local.set $snan (f64.reinterpret_i64 (i64.const 0x7FF4000000000001)))
    (local.set $qnan (f64.reinterpret_i64 (i64.const 0xFFF8DEADBEEF0000)))
    (local.set $snan32 (f32.reinterpret_i32 (i32.const 0x7FA00001)))
    ;; A zero the compiler cannot see: the input length minus itself.
    (local.set $zero (f64.convert_i32_u (i32.sub (local.get $len) (local.get $len))))
    (i64.store offset=0 (i32.const 0) (i64.reinterpret_f64 (f64.add (local.get $snan) (f64.const 1))))
    (i64.store offset=8 (i32.const 0) (i64.reinterpret_f64 (f64.mul (local.get $qnan) (f64.const 2))))
    (i64.store offset=16 (i32.const 0) (i64.reinterpret_f64 (f64.div (local.get $zero) (local.get $zero))))
    (i64.store offset=24 (i32.const 0) (i64.reinterpret_f64 (f64.sqrt (f64.sub (local.get $zero) (f64.const 1)))))
    (i64.store offset=32 (i32.const 0) (i64.reinterpret_f64 (f64.min (local.get $snan) (f64.const 1))))
    (i64.store offset=40 (i32.const 0) (i64.reinterpret_f64 (f64.promote_f32 (local.get $snan32))))
    (i32.store offset=48 (i32.const 0) (i32.reinterpret_f32 (f32.add (local.get $snan32) (f32.const 1))))
    (i32.store offset=52 (i32.const 0) (i32.reinterpret_f32 (f32.demote_f64 (local.get $qnan))))
    (local.set $x (f64.const 0.5))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $x (f64.mul (f64.mul (f64.const 3.9) (local.get $x)) (f64.sub (f64.const 1) (local.get $x))))
        (local.set $z (f64.div (f64.sub (local.get $x) (local.get $x)) (f64.sub (local.get $x) (local.get $x))))
        (local.set $w (f64.sqrt (f64.sub (local.get $x) (f64.const 1))))
        (local.set $m (f64.min (local.get $z) (local.get $x)))
        (local.set $s (f64.add (local.get $snan) (local.get $x)))
        (local.set $f (f32.mul (f32.demote_f64 (local.get $x)) (f32.const 1.5)))
        (local.set $h (call $mix (local.get $h) (i64.reinterpret_f64 (local.get $x))))
        (local.set $h (call $mix (local.get $h) (i64.reinterpret_f64 (local.get $z))))
        (local.set $h (call $mix (local.get $h) (i64.reinterpret_f64 (local.get $w))))
        (local.set $h (call $mix (local.get $h) (i64.reinterpret_f64 (local.get $m))))
        (local.set $h (call $mix (local.get $h) (i64.reinterpret_f64 (local.get $s))))
        (local.set $h (call $mix (local.get $h) (i64.extend_i32_u (i32.reinterpret_f32 (local.get $f)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (i64.store offset=56 (i32.const 0) (local.get $h))
    (i64.store offset=64 (i32.const 0) (i64.reinterpret_f64 (local.get $x)))
    (i32.const 0) (i32.const 72)))
