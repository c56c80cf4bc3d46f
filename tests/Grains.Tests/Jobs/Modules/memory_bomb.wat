;; A2: grows linear memory 1 MiB at a time until the host refuses (memory.grow returns -1), then traps the way a
;; program does when an allocation fails.
(module
  (memory (export "memory") 1)
  (func (export "onvm_main") (param i32 i32) (result i32 i32)
    (loop $grow
      (br_if $grow (i32.ne (memory.grow (i32.const 16)) (i32.const -1))))
    (unreachable)))
