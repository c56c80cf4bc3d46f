;; Exercises the crypto host functions. Input: [op][rest]; output at 1024 starts with the call's i32 result.
;;   S/K [r][digest 32]: SHA-256 / Keccak-256 of rest     Q [r]: SHA-256 with a 16-byte capacity (−32)
;;   U [r]: unknown algorithm 7 (−3)                      V [r]: secp256k1 verify, rest = msg32 ‖ sig65 ‖ pub64
;;   X [r][pub 64]: secp256k1 recover, rest = msg32 ‖ sig65
(module
  (import "env" "onvm_crypto_hash" (func $hash (param i32 i32 i32 i32 i32) (result i32)))
  (import "env" "onvm_crypto_secp256k1_verify" (func $verify (param i32 i32 i32) (result i32)))
  (import "env" "onvm_crypto_secp256k1_recover" (func $recover (param i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "onvm_main") (param $in i32) (param $len i32) (result i32 i32)
    (local $op i32) (local $rest i32) (local $restlen i32)
    (local.set $op (i32.load8_u (local.get $in)))
    (local.set $rest (i32.add (local.get $in) (i32.const 1)))
    (local.set $restlen (i32.sub (local.get $len) (i32.const 1)))
    (if (i32.eq (local.get $op) (i32.const 83)) ;; S
      (then
        (i32.store (i32.const 1024) (call $hash (i32.const 1) (local.get $rest) (local.get $restlen) (i32.const 1028) (i32.const 32)))
        (return (i32.const 1024) (i32.const 36))))
    (if (i32.eq (local.get $op) (i32.const 75)) ;; K
      (then
        (i32.store (i32.const 1024) (call $hash (i32.const 2) (local.get $rest) (local.get $restlen) (i32.const 1028) (i32.const 32)))
        (return (i32.const 1024) (i32.const 36))))
    (if (i32.eq (local.get $op) (i32.const 81)) ;; Q
      (then
        (i32.store (i32.const 1024) (call $hash (i32.const 1) (local.get $rest) (local.get $restlen) (i32.const 1028) (i32.const 16)))
        (return (i32.const 1024) (i32.const 4))))
    (if (i32.eq (local.get $op) (i32.const 85)) ;; U
      (then
        (i32.store (i32.const 1024) (call $hash (i32.const 7) (local.get $rest) (local.get $restlen) (i32.const 1028) (i32.const 32)))
        (return (i32.const 1024) (i32.const 4))))
    (if (i32.eq (local.get $op) (i32.const 86)) ;; V
      (then
        (i32.store (i32.const 1024)
          (call $verify (local.get $rest) (i32.add (local.get $rest) (i32.const 32)) (i32.add (local.get $rest) (i32.const 97))))
        (return (i32.const 1024) (i32.const 4))))
    (if (i32.eq (local.get $op) (i32.const 88)) ;; X
      (then
        (i32.store (i32.const 1024)
          (call $recover (local.get $rest) (i32.add (local.get $rest) (i32.const 32)) (i32.const 1028)))
        (return (i32.const 1024) (i32.const 68))))
    unreachable))
