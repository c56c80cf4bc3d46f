;; A2: grows linear memory one page (64 KiB) at a time until the host refuses (memory.grow returns -1), then traps
;; the way a program does when an allocation fails.
(module
  (memory (export "memory") 1)
  (func (export "onvm_main") (param i32 i32) (result i32 i32)
    (loop $grow
      (br_if $grow (i32.ne (memory.grow (i32.const 1)) (i32.const -1))))
    (unreachable)))
