;; counter: adds one to a counter kept in the program's state and answers the new count (hand-written; build with
;; programs/build.sh).
;;
;; The input is the counter's name: 1 to 256 bytes, used as the state key as it is. The value under that key is the
;; count as 8 bytes, little-endian; a missing key counts as 0. The output is the new count in decimal ASCII.
;; An empty or longer name answers "err: name must be 1-256 bytes" and writes nothing; a stored value that is not 8
;; bytes answers "err: not a counter" and writes nothing.
;;
;; Every successful run changes its state by exactly one, so reading the counter back after a batch of jobs, one
;; counter each, shows how many times each job's effect was applied (the Docker cluster's chaos run does this).
;;
;; Memory: the input is read where the host put it; 0x100-0x1ff holds the answer, 0x200 the 8-byte value buffer.
(module
  (import "env" "onvm_state_get" (func $state_get (param i32 i32 i32 i32) (result i32)))
  (import "env" "onvm_state_put" (func $state_put (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)

  (global $OUT i32 (i32.const 256))
  (global $VALUE i32 (i32.const 512))
  (data (i32.const 1024) "err: name must be 1-256 bytes")
  (data (i32.const 1088) "err: not a counter")
  (data (i32.const 1152) "err: state put failed")

  (func (export "onvm_main") (param $in_ptr i32) (param $in_len i32) (result i32 i32)
    (local $got i32)
    (local $count i64)
    (local $pos i32)
    (if (i32.or (i32.eqz (local.get $in_len)) (i32.gt_u (local.get $in_len) (i32.const 256)))
      (then (return (i32.const 1024) (i32.const 29))))
    (local.set $got
      (call $state_get (local.get $in_ptr) (local.get $in_len) (global.get $VALUE) (i32.const 8)))
    (if (i32.eqz (local.get $got))
      (then (local.set $count (i64.const 0)))
      (else
        (if (i32.ne (local.get $got) (i32.const 8))
          (then (return (i32.const 1088) (i32.const 18))))
        (local.set $count (i64.load (global.get $VALUE)))))
    (local.set $count (i64.add (local.get $count) (i64.const 1)))
    (i64.store (global.get $VALUE) (local.get $count))
    (if (call $state_put (local.get $in_ptr) (local.get $in_len) (global.get $VALUE) (i32.const 8))
      (then (return (i32.const 1152) (i32.const 21))))
    ;; decimal digits, written backwards from the end of the answer buffer
    (local.set $pos (i32.const 511))
    (loop $digits
      (i32.store8 (local.get $pos)
        (i32.add (i32.const 48) (i32.wrap_i64 (i64.rem_u (local.get $count) (i64.const 10)))))
      (local.set $count (i64.div_u (local.get $count) (i64.const 10)))
      (if (i64.ne (local.get $count) (i64.const 0))
        (then
          (local.set $pos (i32.sub (local.get $pos) (i32.const 1)))
          (br $digits))))
    (local.get $pos)
    (i32.sub (i32.const 512) (local.get $pos))))
