;; echo: the ONVM `echo` sample in WebAssembly text.
;;
;; Input: any bytes. Output: the same bytes with ASCII letters a-z uppercased; every other byte unchanged.
;; Golden (ONVM): "hello world" -> "HELLO WORLD".
;;
;; ABI: exports `memory` and `onvm_main(in_ptr, in_len) -> (out_ptr, out_len)` (multi-value). The input is read only
;; from [in_ptr, in_ptr + in_len); the output is written to a fresh region above both the module's own pages and the
;; input (memory grows as needed), so any input placement works (ONVM's offset 0 or fresh pages). No imports.
(module
  (memory (export "memory") 1)

  ;; Grows memory so that [0, end) is addressable; traps (unreachable) when the host refuses to grow.
  (func $ensure (param $end i32)
    (local $have i32)
    (local.set $have (i32.shl (memory.size) (i32.const 16)))
    (if (i32.gt_u (local.get $end) (local.get $have))
      (then
        (if (i32.eq
              (memory.grow
                (i32.shr_u (i32.add (i32.sub (local.get $end) (local.get $have)) (i32.const 65535)) (i32.const 16)))
              (i32.const -1))
          (then unreachable)))))

  (func (export "onvm_main") (param $in_ptr i32) (param $in_len i32) (result i32 i32)
    (local $out i32)
    (local $i i32)
    (local $b i32)
    ;; Output starts at the higher of: the end of the module's initial page, the end of the input (8-aligned).
    (local.set $out (i32.const 65536))
    (if (i32.gt_u (i32.add (local.get $in_ptr) (local.get $in_len)) (local.get $out))
      (then (local.set $out
        (i32.and (i32.add (i32.add (local.get $in_ptr) (local.get $in_len)) (i32.const 7)) (i32.const -8)))))
    (call $ensure (i32.add (local.get $out) (local.get $in_len)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $in_len)))
        (local.set $b (i32.load8_u (i32.add (local.get $in_ptr) (local.get $i))))
        ;; 'a'..'z' -> clear bit 5
        (if (i32.lt_u (i32.sub (local.get $b) (i32.const 97)) (i32.const 26))
          (then (local.set $b (i32.sub (local.get $b) (i32.const 32)))))
        (i32.store8 (i32.add (local.get $out) (local.get $i)) (local.get $b))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $out)
    (local.get $in_len))
)
