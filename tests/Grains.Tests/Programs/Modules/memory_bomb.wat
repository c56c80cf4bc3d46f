;; Grows memory by 16 pages (1 MiB) until a grow is refused, then traps (as a Rust allocation failure aborts).
(module
  (memory (export "memory") 1)
  (func (export "onvm_main") (param $in i32) (param $len i32) (result i32 i32)
    (loop $more
      (br_if $more (i32.ne (memory.grow (i32.const 16)) (i32.const -1))))
    unreachable))
