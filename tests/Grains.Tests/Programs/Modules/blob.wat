;; Exercises the blob host functions. Input: [op][blob id, as text or 32 raw bytes].
;;   R [r i32][data]: onvm_blob_read with room      r [r i32]: onvm_blob_read with capacity 1
;;   E [r i32]: onvm_blob_exists    N [len i64]: onvm_blob_len    H [r i32][hash 32]: onvm_blob_hash
(module
  (import "env" "onvm_blob_read" (func $read (param i32 i32 i32 i32) (result i32)))
  (import "env" "onvm_blob_exists" (func $exists (param i32 i32) (result i32)))
  (import "env" "onvm_blob_len" (func $len (param i32 i32) (result i64)))
  (import "env" "onvm_blob_hash" (func $hash (param i32 i32 i32) (result i32)))
  (memory (export "memory") 2)
  (func (export "onvm_main") (param $in i32) (param $inlen i32) (result i32 i32)
    (local $op i32) (local $id i32) (local $idlen i32) (local $r i32)
    (local.set $op (i32.load8_u (local.get $in)))
    (local.set $id (i32.add (local.get $in) (i32.const 1)))
    (local.set $idlen (i32.sub (local.get $inlen) (i32.const 1)))
    (if (i32.eq (local.get $op) (i32.const 82)) ;; R
      (then
        (local.set $r (call $read (local.get $id) (local.get $idlen) (i32.const 1028) (i32.const 100000)))
        (i32.store (i32.const 1024) (local.get $r))
        (if (i32.lt_s (local.get $r) (i32.const 0)) (then (local.set $r (i32.const 0))))
        (return (i32.const 1024) (i32.add (i32.const 4) (local.get $r)))))
    (if (i32.eq (local.get $op) (i32.const 114)) ;; r
      (then
        (i32.store (i32.const 1024) (call $read (local.get $id) (local.get $idlen) (i32.const 1028) (i32.const 1)))
        (return (i32.const 1024) (i32.const 4))))
    (if (i32.eq (local.get $op) (i32.const 69)) ;; E
      (then
        (i32.store (i32.const 1024) (call $exists (local.get $id) (local.get $idlen)))
        (return (i32.const 1024) (i32.const 4))))
    (if (i32.eq (local.get $op) (i32.const 78)) ;; N
      (then
        (i64.store (i32.const 1024) (call $len (local.get $id) (local.get $idlen)))
        (return (i32.const 1024) (i32.const 8))))
    (if (i32.eq (local.get $op) (i32.const 72)) ;; H
      (then
        (i32.store (i32.const 1024) (call $hash (local.get $id) (local.get $idlen) (i32.const 1028)))
        (return (i32.const 1024) (i32.const 36))))
    unreachable))
