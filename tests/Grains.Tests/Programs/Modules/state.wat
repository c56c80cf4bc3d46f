;; Exercises the state, log and crypto host functions. Input: [op][key length][key][rest].
;;   P put key=rest → "ok"          T put key=rest, then trap     D delete key → "ok"
;;   G [r1 i32][r2 i32][value]: r1 = state_get with capacity 0 (−needed), r2 = state_get with room
;;   E exists → i32    N len → i64    R state root → 32 bytes    L [r i32][list bytes] of keys with prefix key
;;   C counter += 1 (rest = spin count i32: SHA-256 rounds before the write, skipped once key "nospin" exists) → i64
;;   O log "log line!!" rest (i32) times at info → "ok"
;;   W put key=rest, then read it back in the same run: [get result i32][state root 32][value]
(module
  (import "env" "onvm_state_put" (func $put (param i32 i32 i32 i32) (result i32)))
  (import "env" "onvm_state_get" (func $get (param i32 i32 i32 i32) (result i32)))
  (import "env" "onvm_state_del" (func $del (param i32 i32) (result i32)))
  (import "env" "onvm_state_exists" (func $exists (param i32 i32) (result i32)))
  (import "env" "onvm_state_len" (func $len (param i32 i32) (result i64)))
  (import "env" "onvm_state_list" (func $list (param i32 i32 i32 i32) (result i32)))
  (import "env" "onvm_state_root" (func $root (param i32) (result i32)))
  (import "env" "onvm_log" (func $log (param i32 i32 i32) (result i32)))
  (import "env" "onvm_crypto_hash" (func $hash (param i32 i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 2)
  (data (i32.const 16) "ok")
  (data (i32.const 32) "counter")
  (data (i32.const 48) "nospin")
  (data (i32.const 64) "log line!!")
  (func (export "onvm_main") (param $in i32) (param $inlen i32) (result i32 i32)
    (local $op i32) (local $k i32) (local $klen i32) (local $rest i32) (local $restlen i32)
    (local $r1 i32) (local $r2 i32) (local $n i32) (local $v i64)
    (local.set $op (i32.load8_u (local.get $in)))
    (local.set $klen (i32.load8_u offset=1 (local.get $in)))
    (local.set $k (i32.add (local.get $in) (i32.const 2)))
    (local.set $rest (i32.add (local.get $k) (local.get $klen)))
    (local.set $restlen (i32.sub (i32.sub (local.get $inlen) (i32.const 2)) (local.get $klen)))
    (if (i32.eq (local.get $op) (i32.const 80)) ;; P
      (then
        (drop (call $put (local.get $k) (local.get $klen) (local.get $rest) (local.get $restlen)))
        (return (i32.const 16) (i32.const 2))))
    (if (i32.eq (local.get $op) (i32.const 84)) ;; T
      (then
        (drop (call $put (local.get $k) (local.get $klen) (local.get $rest) (local.get $restlen)))
        unreachable))
    (if (i32.eq (local.get $op) (i32.const 68)) ;; D
      (then
        (drop (call $del (local.get $k) (local.get $klen)))
        (return (i32.const 16) (i32.const 2))))
    (if (i32.eq (local.get $op) (i32.const 71)) ;; G
      (then
        (local.set $r1 (call $get (local.get $k) (local.get $klen) (i32.const 1032) (i32.const 0)))
        (local.set $r2 (call $get (local.get $k) (local.get $klen) (i32.const 1032) (i32.const 60000)))
        (i32.store (i32.const 1024) (local.get $r1))
        (i32.store (i32.const 1028) (local.get $r2))
        (if (i32.lt_s (local.get $r2) (i32.const 0)) (then (local.set $r2 (i32.const 0))))
        (return (i32.const 1024) (i32.add (i32.const 8) (local.get $r2)))))
    (if (i32.eq (local.get $op) (i32.const 69)) ;; E
      (then
        (i32.store (i32.const 1024) (call $exists (local.get $k) (local.get $klen)))
        (return (i32.const 1024) (i32.const 4))))
    (if (i32.eq (local.get $op) (i32.const 78)) ;; N
      (then
        (i64.store (i32.const 1024) (call $len (local.get $k) (local.get $klen)))
        (return (i32.const 1024) (i32.const 8))))
    (if (i32.eq (local.get $op) (i32.const 82)) ;; R
      (then
        (drop (call $root (i32.const 1024)))
        (return (i32.const 1024) (i32.const 32))))
    (if (i32.eq (local.get $op) (i32.const 76)) ;; L
      (then
        (local.set $r1 (call $list (local.get $k) (local.get $klen) (i32.const 1028) (i32.const 60000)))
        (i32.store (i32.const 1024) (local.get $r1))
        (if (i32.lt_s (local.get $r1) (i32.const 0)) (then (local.set $r1 (i32.const 0))))
        (return (i32.const 1024) (i32.add (i32.const 4) (local.get $r1)))))
    (if (i32.eq (local.get $op) (i32.const 67)) ;; C
      (then
        (i64.store (i32.const 1024) (i64.const 0))
        (drop (call $get (i32.const 32) (i32.const 7) (i32.const 1024) (i32.const 8)))
        (local.set $v (i64.load (i32.const 1024)))
        (if (i32.eqz (call $exists (i32.const 48) (i32.const 6)))
          (then
            (local.set $n (i32.load (local.get $rest)))
            (block $done
              (loop $spin
                (br_if $done (i32.le_s (local.get $n) (i32.const 0)))
                (drop (call $hash (i32.const 1) (i32.const 2048) (i32.const 4096) (i32.const 8192) (i32.const 32)))
                (local.set $n (i32.sub (local.get $n) (i32.const 1)))
                (br $spin)))))
        (i64.store (i32.const 1024) (i64.add (local.get $v) (i64.const 1)))
        (drop (call $put (i32.const 32) (i32.const 7) (i32.const 1024) (i32.const 8)))
        (return (i32.const 1024) (i32.const 8))))
    (if (i32.eq (local.get $op) (i32.const 87)) ;; W
      (then
        (drop (call $put (local.get $k) (local.get $klen) (local.get $rest) (local.get $restlen)))
        (local.set $r1 (call $get (local.get $k) (local.get $klen) (i32.const 1060) (i32.const 60000)))
        (i32.store (i32.const 1024) (local.get $r1))
        (drop (call $root (i32.const 1028)))
        (if (i32.lt_s (local.get $r1) (i32.const 0)) (then (local.set $r1 (i32.const 0))))
        (return (i32.const 1024) (i32.add (i32.const 36) (local.get $r1)))))
    (if (i32.eq (local.get $op) (i32.const 79)) ;; O
      (then
        (local.set $n (i32.load (local.get $rest)))
        (block $done
          (loop $more
            (br_if $done (i32.le_s (local.get $n) (i32.const 0)))
            (drop (call $log (i32.const 2) (i32.const 64) (i32.const 10)))
            (local.set $n (i32.sub (local.get $n) (i32.const 1)))
            (br $more)))
        (return (i32.const 16) (i32.const 2))))
    unreachable))
