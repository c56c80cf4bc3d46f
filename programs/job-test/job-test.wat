;; job-test: the ONVM `job-test` sample in WebAssembly text (hand-written; build with programs/build.sh). No state,
;; no imports.
;;
;; Input: {"task":"compute"|"hash"|"transform"|"stress", "iterations"?: u32 (default 10), "data"?: string}.
;; Output: {"status":"success","result":R,"iterations_completed":n,"fuel_estimate":"~N fuel units"}, N = 10000+1000n.
;; Failure: {"fuel_estimate":"unknown","iterations_completed":0,"result":M,"status":"error"}: ONVM builds this one with
;; serde_json's json! macro, whose map sorts the keys, so the bytes come in alphabetical order. M is "utf8 error: ...",
;; "invalid json: ..." or "unknown task: <task>".
;; Tasks (u64 arithmetic wrapping modulo 2^64):
;;   compute:   r = data parsed as u64 (else 1); for i in 1..=n: r = r*i + i        -> "computed result: <r>"
;;   hash:      h = 0; for i in 0..n, for each byte b at idx of data ("default-data"): h = h*31 + b + i + idx
;;                                                                                 -> "hash: <16 lowercase hex>"
;;   transform: characters at even index uppercased, odd lowercased (ASCII only; default "hello world")
;;                                                                                 -> "transformed: <text>"
;;   stress:    sum of fib(i mod 20) for i in 0..min(n, 1000)                      -> "stress test completed: <n>
;;                                                                                    iterations, sum: <s>"
;; Design: same building blocks as kvstore.wat (bump heap above the data and the input, one open output buffer,
;; the serde_json-like JSON reader, Rust's UTF-8 error texts).
(module
  (memory (export "memory") 2)

  (global $HEX i32 (i32.const 65568))
  (data (i32.const 65568) "0123456789abcdef")
  (global $HEAP_BASE i32 (i32.const 73728))

  ;; ---------------------------------------------------------------- strings (NUL-terminated)
  (global $E_INVALID_JSON i32 (i32.const 65792))
  (data (i32.const 65792) "invalid json: \00")
  (global $E_AT_LINE i32 (i32.const 65856))
  (data (i32.const 65856) " at line \00")
  (global $E_COLUMN i32 (i32.const 65920))
  (data (i32.const 65920) " column \00")
  (global $E_EOF_VALUE i32 (i32.const 65984))
  (data (i32.const 65984) "EOF while parsing a value\00")
  (global $E_EXPECTED_VALUE i32 (i32.const 66048))
  (data (i32.const 66048) "expected value\00")
  (global $E_EOF_STRING i32 (i32.const 66112))
  (data (i32.const 66112) "EOF while parsing a string\00")
  (global $E_CONTROL i32 (i32.const 66176))
  (data (i32.const 66176) "control character (\5cu0000-\5cu001F) found while parsing a string\00")
  (global $E_INVALID_ESCAPE i32 (i32.const 66240))
  (data (i32.const 66240) "invalid escape\00")
  (global $E_LONE_LEADING i32 (i32.const 66304))
  (data (i32.const 66304) "lone leading surrogate in hex escape\00")
  (global $E_LONE_TRAILING i32 (i32.const 66368))
  (data (i32.const 66368) "lone trailing surrogate in hex escape\00")
  (global $E_EOF_OBJECT i32 (i32.const 66432))
  (data (i32.const 66432) "EOF while parsing an object\00")
  (global $E_KEY_STRING i32 (i32.const 66496))
  (data (i32.const 66496) "key must be a string\00")
  (global $E_EXPECTED_COLON i32 (i32.const 66560))
  (data (i32.const 66560) "expected `:`\00")
  (global $E_EXPECTED_COMMA_BRACE i32 (i32.const 66624))
  (data (i32.const 66624) "expected `,` or `}`\00")
  (global $E_EOF_LIST i32 (i32.const 66688))
  (data (i32.const 66688) "EOF while parsing a list\00")
  (global $E_EXPECTED_COMMA_BRACKET i32 (i32.const 66752))
  (data (i32.const 66752) "expected `,` or `]`\00")
  (global $E_INVALID_NUMBER i32 (i32.const 66816))
  (data (i32.const 66816) "invalid number\00")
  (global $E_EXPECTED_IDENT i32 (i32.const 66880))
  (data (i32.const 66880) "expected ident\00")
  (global $E_RECURSION i32 (i32.const 66944))
  (data (i32.const 66944) "recursion limit exceeded\00")
  (global $E_TRAILING i32 (i32.const 67008))
  (data (i32.const 67008) "trailing characters\00")
  (global $E_NOT_OBJECT i32 (i32.const 67072))
  (data (i32.const 67072) "invalid type: expected struct JobInput\00")
  (global $E_EXPECTED_STRING i32 (i32.const 67136))
  (data (i32.const 67136) "invalid type: expected a string\00")
  (global $E_EXPECTED_U32 i32 (i32.const 67200))
  (data (i32.const 67200) "invalid type: expected u32\00")
  (global $E_FLOAT i32 (i32.const 67264))
  (data (i32.const 67264) "invalid type: floating point `\00")
  (global $E_INTEGER i32 (i32.const 67328))
  (data (i32.const 67328) "invalid value: integer `\00")
  (global $E_U32_END i32 (i32.const 67392))
  (data (i32.const 67392) "`, expected u32\00")
  (global $E_MISSING_FIELD i32 (i32.const 67456))
  (data (i32.const 67456) "missing field `\00")
  (global $E_DUPLICATE_FIELD i32 (i32.const 67520))
  (data (i32.const 67520) "duplicate field `\00")
  (global $E_BACKTICK i32 (i32.const 67584))
  (data (i32.const 67584) "`\00")
  (global $E_UTF8_ERROR i32 (i32.const 67648))
  (data (i32.const 67648) "utf8 error: \00")
  (global $E_UTF8_SEQ i32 (i32.const 67712))
  (data (i32.const 67712) "invalid utf-8 sequence of \00")
  (global $E_UTF8_BYTES i32 (i32.const 67776))
  (data (i32.const 67776) " bytes from index \00")
  (global $E_UTF8_INCOMPLETE i32 (i32.const 67840))
  (data (i32.const 67840) "incomplete utf-8 byte sequence from index \00")
  (global $E_UNKNOWN_TASK i32 (i32.const 67904))
  (data (i32.const 67904) "unknown task: \00")
  (global $W_TRUE i32 (i32.const 67968))
  (data (i32.const 67968) "true\00")
  (global $W_FALSE i32 (i32.const 68032))
  (data (i32.const 68032) "false\00")
  (global $W_NULL i32 (i32.const 68096))
  (data (i32.const 68096) "null\00")
  (global $F_TASK i32 (i32.const 68160))
  (data (i32.const 68160) "task\00")
  (global $F_ITERATIONS i32 (i32.const 68224))
  (data (i32.const 68224) "iterations\00")
  (global $F_DATA i32 (i32.const 68288))
  (data (i32.const 68288) "data\00")
  (global $T_COMPUTE i32 (i32.const 68352))
  (data (i32.const 68352) "compute\00")
  (global $T_HASH i32 (i32.const 68416))
  (data (i32.const 68416) "hash\00")
  (global $T_TRANSFORM i32 (i32.const 68480))
  (data (i32.const 68480) "transform\00")
  (global $T_STRESS i32 (i32.const 68544))
  (data (i32.const 68544) "stress\00")
  (global $D_HASH i32 (i32.const 68608))
  (data (i32.const 68608) "default-data\00")
  (global $D_TRANSFORM i32 (i32.const 68672))
  (data (i32.const 68672) "hello world\00")
  (global $R_COMPUTE i32 (i32.const 68736))
  (data (i32.const 68736) "computed result: \00")
  (global $R_HASH i32 (i32.const 68800))
  (data (i32.const 68800) "hash: \00")
  (global $R_TRANSFORM i32 (i32.const 68864))
  (data (i32.const 68864) "transformed: \00")
  (global $R_STRESS i32 (i32.const 68928))
  (data (i32.const 68928) "stress test completed: \00")
  (global $R_SUM i32 (i32.const 68992))
  (data (i32.const 68992) " iterations, sum: \00")
  (global $O_SUCCESS i32 (i32.const 69056))
  (data (i32.const 69056) "{\22status\22:\22success\22,\22result\22:\00")
  (global $O_ITER i32 (i32.const 69120))
  (data (i32.const 69120) ",\22iterations_completed\22:\00")
  (global $O_FUEL i32 (i32.const 69184))
  (data (i32.const 69184) ",\22fuel_estimate\22:\22~\00")
  (global $O_FUEL_END i32 (i32.const 69248))
  (data (i32.const 69248) " fuel units\22}\00")
  (global $O_ERROR i32 (i32.const 69312))
  (data (i32.const 69312) "{\22fuel_estimate\22:\22unknown\22,\22iterations_completed\22:0,\22result\22:\00")
  (global $O_ERROR_END i32 (i32.const 69376))
  (data (i32.const 69376) ",\22status\22:\22error\22}\00")

  ;; ---------------------------------------------------------------- heap and the open output buffer
  (global $heap (mut i32) (i32.const 77824))
  (global $out_start (mut i32) (i32.const 0))
  (global $out_end (mut i32) (i32.const 0))

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

  ;; Bump allocation of n bytes (8-aligned). Never while a buffer is open.
  (func $alloc (param $n i32) (result i32)
    (local $p i32)
    (local.set $p (global.get $heap))
    (if (i32.gt_u (local.get $n) (i32.const 0x7fff0000)) (then unreachable))
    (global.set $heap (i32.and (i32.add (i32.add (local.get $p) (local.get $n)) (i32.const 7)) (i32.const -8)))
    (call $ensure (global.get $heap))
    (local.get $p))

  ;; Opens the buffer at the top of the heap.
  (func $out_begin
    (global.set $out_start (global.get $heap))
    (global.set $out_end (global.get $heap)))

  ;; Closes the buffer: it becomes a heap allocation. Returns its start; its length is out_end - out_start (read
  ;; before calling).
  (func $out_finish (result i32)
    (global.set $heap (i32.and (i32.add (global.get $out_end) (i32.const 7)) (i32.const -8)))
    (global.get $out_start))

  (func $emit_byte (param $b i32)
    (call $ensure (i32.add (global.get $out_end) (i32.const 1)))
    (i32.store8 (global.get $out_end) (local.get $b))
    (global.set $out_end (i32.add (global.get $out_end) (i32.const 1))))

  (func $emit_bytes (param $p i32) (param $n i32)
    (call $ensure (i32.add (global.get $out_end) (local.get $n)))
    (memory.copy (global.get $out_end) (local.get $p) (local.get $n))
    (global.set $out_end (i32.add (global.get $out_end) (local.get $n))))

  ;; Emits a NUL-terminated static string.
  (func $emit_cstr (param $p i32)
    (local $b i32)
    (loop $next
      (local.set $b (i32.load8_u (local.get $p)))
      (if (local.get $b)
        (then
          (call $emit_byte (local.get $b))
          (local.set $p (i32.add (local.get $p) (i32.const 1)))
          (br $next)))))

  ;; Unsigned decimal.
  (func $emit_u32 (param $v i32)
    (if (i32.ge_u (local.get $v) (i32.const 10))
      (then (call $emit_u32 (i32.div_u (local.get $v) (i32.const 10)))))
    (call $emit_byte (i32.add (i32.const 48) (i32.rem_u (local.get $v) (i32.const 10)))))

  ;; Signed decimal.
  (func $emit_i32 (param $v i32)
    (if (i32.lt_s (local.get $v) (i32.const 0))
      (then
        (call $emit_byte (i32.const 45))
        (local.set $v (i32.sub (i32.const 0) (local.get $v)))))
    (call $emit_u32 (local.get $v)))

  (func $emit_hex_byte (param $b i32)
    (call $emit_byte (i32.load8_u (i32.add (global.get $HEX) (i32.shr_u (local.get $b) (i32.const 4)))))
    (call $emit_byte (i32.load8_u (i32.add (global.get $HEX) (i32.and (local.get $b) (i32.const 15))))))

  ;; A JSON string literal with serde_json's escapes (\" \\ \b \f \n \r \t, other control bytes \u00xx).
  (func $emit_json_str (param $p i32) (param $n i32)
    (local $end i32)
    (local $b i32)
    (local.set $end (i32.add (local.get $p) (local.get $n)))
    (call $emit_byte (i32.const 34))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $b (i32.load8_u (local.get $p)))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (if (i32.or (i32.eq (local.get $b) (i32.const 34)) (i32.eq (local.get $b) (i32.const 92)))
          (then
            (call $emit_byte (i32.const 92))
            (call $emit_byte (local.get $b))
            (br $next)))
        (if (i32.ge_u (local.get $b) (i32.const 32))
          (then
            (call $emit_byte (local.get $b))
            (br $next)))
        (call $emit_byte (i32.const 92))
        (if (i32.eq (local.get $b) (i32.const 8)) (then (call $emit_byte (i32.const 98)) (br $next)))
        (if (i32.eq (local.get $b) (i32.const 9)) (then (call $emit_byte (i32.const 116)) (br $next)))
        (if (i32.eq (local.get $b) (i32.const 10)) (then (call $emit_byte (i32.const 110)) (br $next)))
        (if (i32.eq (local.get $b) (i32.const 12)) (then (call $emit_byte (i32.const 102)) (br $next)))
        (if (i32.eq (local.get $b) (i32.const 13)) (then (call $emit_byte (i32.const 114)) (br $next)))
        (call $emit_byte (i32.const 117))
        (call $emit_byte (i32.const 48))
        (call $emit_byte (i32.const 48))
        (call $emit_hex_byte (local.get $b))
        (br $next)))
    (call $emit_byte (i32.const 34)))

  ;; UTF-8 encoding of a code point.
  (func $emit_utf8 (param $c i32)
    (if (i32.lt_u (local.get $c) (i32.const 0x80)) (then (call $emit_byte (local.get $c)) (return)))
    (if (i32.lt_u (local.get $c) (i32.const 0x800))
      (then
        (call $emit_byte (i32.or (i32.const 0xc0) (i32.shr_u (local.get $c) (i32.const 6))))
        (call $emit_byte (i32.or (i32.const 0x80) (i32.and (local.get $c) (i32.const 0x3f))))
        (return)))
    (if (i32.lt_u (local.get $c) (i32.const 0x10000))
      (then
        (call $emit_byte (i32.or (i32.const 0xe0) (i32.shr_u (local.get $c) (i32.const 12))))
        (call $emit_byte (i32.or (i32.const 0x80) (i32.and (i32.shr_u (local.get $c) (i32.const 6)) (i32.const 0x3f))))
        (call $emit_byte (i32.or (i32.const 0x80) (i32.and (local.get $c) (i32.const 0x3f))))
        (return)))
    (call $emit_byte (i32.or (i32.const 0xf0) (i32.shr_u (local.get $c) (i32.const 18))))
    (call $emit_byte (i32.or (i32.const 0x80) (i32.and (i32.shr_u (local.get $c) (i32.const 12)) (i32.const 0x3f))))
    (call $emit_byte (i32.or (i32.const 0x80) (i32.and (i32.shr_u (local.get $c) (i32.const 6)) (i32.const 0x3f))))
    (call $emit_byte (i32.or (i32.const 0x80) (i32.and (local.get $c) (i32.const 0x3f)))))

  ;; Bytewise comparison: -1, 0 or 1 (Rust's str ordering).
  (func $compare (param $a i32) (param $al i32) (param $b i32) (param $bl i32) (result i32)
    (local $i i32)
    (local $n i32)
    (local $x i32)
    (local $y i32)
    (local.set $n (select (local.get $al) (local.get $bl) (i32.lt_u (local.get $al) (local.get $bl))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $x (i32.load8_u (i32.add (local.get $a) (local.get $i))))
        (local.set $y (i32.load8_u (i32.add (local.get $b) (local.get $i))))
        (if (i32.ne (local.get $x) (local.get $y))
          (then (return (select (i32.const -1) (i32.const 1) (i32.lt_u (local.get $x) (local.get $y))))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (if (i32.eq (local.get $al) (local.get $bl)) (then (return (i32.const 0))))
    (select (i32.const -1) (i32.const 1) (i32.lt_u (local.get $al) (local.get $bl))))

  ;; 1 when [p, p+n) equals the NUL-terminated static string c.
  (func $eq_cstr (param $p i32) (param $n i32) (param $c i32) (result i32)
    (local $i i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (if (i32.eqz (i32.load8_u (i32.add (local.get $c) (local.get $i)))) (then (return (i32.const 0))))
        (if (i32.ne (i32.load8_u (i32.add (local.get $p) (local.get $i)))
                    (i32.load8_u (i32.add (local.get $c) (local.get $i))))
          (then (return (i32.const 0))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (i32.eqz (i32.load8_u (i32.add (local.get $c) (local.get $n)))))

  ;; ---------------------------------------------------------------- UTF-8 check
  (global $utf8_bad_index (mut i32) (i32.const 0))
  (global $utf8_bad_len (mut i32) (i32.const 0))

  ;; 1 when [p, p+n) is valid UTF-8; else 0 with utf8_bad_index and utf8_bad_len (0 = incomplete sequence at the
  ;; end), the way Rust's Utf8Error reports them.
  (func $utf8_check (param $p i32) (param $n i32) (result i32)
    (local $i i32)
    (local $b i32)
    (local $w i32)
    (local $lo i32)
    (local $hi i32)
    (local $k i32)
    (local $c i32)
    (block $valid
      (loop $next
        (br_if $valid (i32.ge_u (local.get $i) (local.get $n)))
        ;; fast path: eight ASCII bytes at once
        (if (i32.le_u (i32.add (local.get $i) (i32.const 8)) (local.get $n))
          (then
            (if (i64.eqz (i64.and (i64.load (i32.add (local.get $p) (local.get $i))) (i64.const 0x8080808080808080)))
              (then
                (local.set $i (i32.add (local.get $i) (i32.const 8)))
                (br $next)))))
        (local.set $b (i32.load8_u (i32.add (local.get $p) (local.get $i))))
        (if (i32.lt_u (local.get $b) (i32.const 0x80))
          (then
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $next)))
        (local.set $lo (i32.const 0x80))
        (local.set $hi (i32.const 0xbf))
        (local.set $w (i32.const 0))
        (if (i32.lt_u (i32.sub (local.get $b) (i32.const 0xc2)) (i32.const 30)) (then (local.set $w (i32.const 2))))
        (if (i32.lt_u (i32.sub (local.get $b) (i32.const 0xe0)) (i32.const 16))
          (then
            (local.set $w (i32.const 3))
            (if (i32.eq (local.get $b) (i32.const 0xe0)) (then (local.set $lo (i32.const 0xa0))))
            (if (i32.eq (local.get $b) (i32.const 0xed)) (then (local.set $hi (i32.const 0x9f))))))
        (if (i32.lt_u (i32.sub (local.get $b) (i32.const 0xf0)) (i32.const 5))
          (then
            (local.set $w (i32.const 4))
            (if (i32.eq (local.get $b) (i32.const 0xf0)) (then (local.set $lo (i32.const 0x90))))
            (if (i32.eq (local.get $b) (i32.const 0xf4)) (then (local.set $hi (i32.const 0x8f))))))
        (if (i32.eqz (local.get $w))
          (then
            (global.set $utf8_bad_index (local.get $i))
            (global.set $utf8_bad_len (i32.const 1))
            (return (i32.const 0))))
        (local.set $k (i32.const 1))
        (loop $cont
          (if (i32.lt_u (local.get $k) (local.get $w))
            (then
              (if (i32.ge_u (i32.add (local.get $i) (local.get $k)) (local.get $n))
                (then
                  (global.set $utf8_bad_index (local.get $i))
                  (global.set $utf8_bad_len (i32.const 0))
                  (return (i32.const 0))))
              (local.set $c (i32.load8_u (i32.add (local.get $p) (i32.add (local.get $i) (local.get $k)))))
              (if (i32.or (i32.lt_u (local.get $c) (local.get $lo)) (i32.gt_u (local.get $c) (local.get $hi)))
                (then
                  (global.set $utf8_bad_index (local.get $i))
                  (global.set $utf8_bad_len (local.get $k))
                  (return (i32.const 0))))
              (local.set $lo (i32.const 0x80))
              (local.set $hi (i32.const 0xbf))
              (local.set $k (i32.add (local.get $k) (i32.const 1)))
              (br $cont))))
        (local.set $i (i32.add (local.get $i) (local.get $w)))
        (br $next)))
    (i32.const 1))

  ;; Emits Rust's Utf8Error text for the last failed utf8_check.
  (func $emit_utf8_error
    (if (global.get $utf8_bad_len)
      (then
        (call $emit_cstr (global.get $E_UTF8_SEQ))
        (call $emit_u32 (global.get $utf8_bad_len))
        (call $emit_cstr (global.get $E_UTF8_BYTES)))
      (else (call $emit_cstr (global.get $E_UTF8_INCOMPLETE))))
    (call $emit_u32 (global.get $utf8_bad_index)))

  ;; ---------------------------------------------------------------- errors
  (global $err_ptr (mut i32) (i32.const 0))
  (global $err_len (mut i32) (i32.const 0))

  ;; Opens the error-message buffer with a prefix.
  (func $err_begin (param $prefix i32)
    (call $out_begin)
    (call $emit_cstr (local.get $prefix)))

  ;; Closes the error-message buffer into err_ptr/err_len; returns 0 (failure) for tail calls.
  (func $err_end (result i32)
    (global.set $err_len (i32.sub (global.get $out_end) (global.get $out_start)))
    (global.set $err_ptr (call $out_finish))
    (i32.const 0))

  ;; A plain static error message; returns 0.
  (func $fail (param $msg i32) (result i32)
    (call $err_begin (local.get $msg))
    (call $err_end))

  ;; ---------------------------------------------------------------- JSON reader
  (global $in_start (mut i32) (i32.const 0))
  (global $in_end (mut i32) (i32.const 0))
  (global $pos (mut i32) (i32.const 0))
  ;; the last string read (JSON string, base64 decode)
  (global $str_ptr (mut i32) (i32.const 0))
  (global $str_len (mut i32) (i32.const 0))

  ;; The byte at pos, or -1 at the end of the input.
  (func $peek (result i32)
    (if (result i32) (i32.lt_u (global.get $pos) (global.get $in_end))
      (then (i32.load8_u (global.get $pos)))
      (else (i32.const -1))))

  (func $advance
    (global.set $pos (i32.add (global.get $pos) (i32.const 1))))

  (func $skip_ws
    (local $b i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (global.get $pos) (global.get $in_end)))
        (local.set $b (i32.load8_u (global.get $pos)))
        (br_if $done (i32.eqz (i32.or
          (i32.or (i32.eq (local.get $b) (i32.const 32)) (i32.eq (local.get $b) (i32.const 9)))
          (i32.or (i32.eq (local.get $b) (i32.const 10)) (i32.eq (local.get $b) (i32.const 13))))))
        (call $advance)
        (br $next))))

  ;; " at line L column C" for the byte at pos (or the end of the input).
  (func $emit_position
    (local $p i32)
    (local $i i32)
    (local $line i32)
    (local $line_start i32)
    (local.set $p (i32.add (global.get $pos) (i32.const 1)))
    (if (i32.gt_u (local.get $p) (global.get $in_end)) (then (local.set $p (global.get $in_end))))
    (local.set $line (i32.const 1))
    (local.set $i (global.get $in_start))
    (local.set $line_start (global.get $in_start))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (global.get $pos)))
        (if (i32.eq (i32.load8_u (local.get $i)) (i32.const 10))
          (then
            (local.set $line (i32.add (local.get $line) (i32.const 1)))
            (local.set $line_start (i32.add (local.get $i) (i32.const 1)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (call $emit_cstr (global.get $E_AT_LINE))
    (call $emit_u32 (local.get $line))
    (call $emit_cstr (global.get $E_COLUMN))
    (call $emit_u32 (i32.sub (local.get $p) (local.get $line_start))))

  ;; "invalid json: <detail> at line L column C"; returns 0.
  (func $json_err (param $detail i32) (result i32)
    (call $err_begin (global.get $E_INVALID_JSON))
    (call $emit_cstr (local.get $detail))
    (call $emit_position)
    (call $err_end))

  ;; "invalid json: <what>`<field>` at ..." (missing / duplicate field); returns 0.
  (func $json_field_err (param $what i32) (param $field i32) (result i32)
    (call $err_begin (global.get $E_INVALID_JSON))
    (call $emit_cstr (local.get $what))
    (call $emit_cstr (local.get $field))
    (call $emit_cstr (global.get $E_BACKTICK))
    (call $emit_position)
    (call $err_end))

  ;; Four hex digits at pos as a value, or -1 (error set).
  (func $hex4 (result i32)
    (local $i i32)
    (local $v i32)
    (local $b i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (i32.const 4)))
        (local.set $b (call $peek))
        (if (i32.eq (local.get $b) (i32.const -1))
          (then (drop (call $json_err (global.get $E_EOF_STRING))) (return (i32.const -1))))
        (local.set $b (i32.or (local.get $b) (i32.const 32)))
        (if (i32.lt_u (i32.sub (local.get $b) (i32.const 48)) (i32.const 10))
          (then (local.set $b (i32.sub (local.get $b) (i32.const 48))))
          (else
            (if (i32.lt_u (i32.sub (local.get $b) (i32.const 97)) (i32.const 6))
              (then (local.set $b (i32.sub (local.get $b) (i32.const 87))))
              (else (drop (call $json_err (global.get $E_INVALID_ESCAPE))) (return (i32.const -1))))))
        (local.set $v (i32.or (i32.shl (local.get $v) (i32.const 4)) (local.get $b)))
        (call $advance)
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $v))

  ;; High bit set in each byte lane of x that is zero (exact for "any lane is zero").
  (func $zero_byte_mask (param $x i64) (result i64)
    (i64.and (i64.sub (local.get $x) (i64.const 0x0101010101010101)) (i64.xor (local.get $x) (i64.const -1))))

  ;; Reads the string literal at pos (which is '"'), decoding escapes into a new heap buffer: 1 with
  ;; str_ptr/str_len, or 0 with the error set.
  (func $parse_string (result i32)
    (local $b i32)
    (local $u i32)
    (local $lo i32)
    (local $run i32)
    (local $w i64)
    (call $advance)
    (call $out_begin)
    (loop $next
      ;; fast path: copy a run of plain bytes (not '"', '\\', control) in one go
      (local.set $run (global.get $pos))
      ;; eight bytes at a time while none is below 0x20, '"' or '\\' (SWAR zero-byte tests)
      (block $wide_end
        (loop $wide
          (br_if $wide_end (i32.gt_u (i32.add (local.get $run) (i32.const 8)) (global.get $in_end)))
          (local.set $w (i64.load (local.get $run)))
          (br_if $wide_end (i64.ne (i64.const 0) (i64.and (i64.const 0x8080808080808080) (i64.or
            (i64.and (i64.sub (local.get $w) (i64.const 0x2020202020202020)) (i64.xor (local.get $w) (i64.const -1)))
            (i64.or
              (call $zero_byte_mask (i64.xor (local.get $w) (i64.const 0x2222222222222222)))
              (call $zero_byte_mask (i64.xor (local.get $w) (i64.const 0x5c5c5c5c5c5c5c5c))))))))
          (local.set $run (i32.add (local.get $run) (i32.const 8)))
          (br $wide)))
      (block $run_end
        (loop $scan
          (br_if $run_end (i32.ge_u (local.get $run) (global.get $in_end)))
          (local.set $b (i32.load8_u (local.get $run)))
          (br_if $run_end (i32.or (i32.lt_u (local.get $b) (i32.const 32))
                                  (i32.or (i32.eq (local.get $b) (i32.const 34)) (i32.eq (local.get $b) (i32.const 92)))))
          (local.set $run (i32.add (local.get $run) (i32.const 1)))
          (br $scan)))
      (if (i32.gt_u (local.get $run) (global.get $pos))
        (then
          (call $emit_bytes (global.get $pos) (i32.sub (local.get $run) (global.get $pos)))
          (global.set $pos (local.get $run))))
      (local.set $b (call $peek))
      (if (i32.eq (local.get $b) (i32.const -1)) (then (return (call $json_err (global.get $E_EOF_STRING)))))
      (if (i32.eq (local.get $b) (i32.const 34))
        (then
          (call $advance)
          (global.set $str_len (i32.sub (global.get $out_end) (global.get $out_start)))
          (global.set $str_ptr (call $out_finish))
          (return (i32.const 1))))
      (if (i32.lt_u (local.get $b) (i32.const 32)) (then (return (call $json_err (global.get $E_CONTROL)))))
      (if (i32.ne (local.get $b) (i32.const 92))
        (then
          (call $emit_byte (local.get $b))
          (call $advance)
          (br $next)))
      ;; escape
      (call $advance)
      (local.set $b (call $peek))
      (if (i32.eq (local.get $b) (i32.const -1)) (then (return (call $json_err (global.get $E_EOF_STRING)))))
      (block $simple
        (if (i32.eq (local.get $b) (i32.const 34)) (then (br $simple)))
        (if (i32.eq (local.get $b) (i32.const 92)) (then (br $simple)))
        (if (i32.eq (local.get $b) (i32.const 47)) (then (br $simple)))
        (if (i32.eq (local.get $b) (i32.const 98)) (then (local.set $b (i32.const 8)) (br $simple)))
        (if (i32.eq (local.get $b) (i32.const 102)) (then (local.set $b (i32.const 12)) (br $simple)))
        (if (i32.eq (local.get $b) (i32.const 110)) (then (local.set $b (i32.const 10)) (br $simple)))
        (if (i32.eq (local.get $b) (i32.const 114)) (then (local.set $b (i32.const 13)) (br $simple)))
        (if (i32.eq (local.get $b) (i32.const 116)) (then (local.set $b (i32.const 9)) (br $simple)))
        (if (i32.ne (local.get $b) (i32.const 117)) (then (return (call $json_err (global.get $E_INVALID_ESCAPE)))))
        ;; \uXXXX, with surrogate pairs
        (call $advance)
        (local.set $u (call $hex4))
        (if (i32.lt_s (local.get $u) (i32.const 0)) (then (return (i32.const 0))))
        (if (i32.eq (i32.and (local.get $u) (i32.const 0xfc00)) (i32.const 0xdc00))
          (then (return (call $json_err (global.get $E_LONE_TRAILING)))))
        (if (i32.eq (i32.and (local.get $u) (i32.const 0xfc00)) (i32.const 0xd800))
          (then
            (if (i32.ne (call $peek) (i32.const 92)) (then (return (call $json_err (global.get $E_LONE_LEADING)))))
            (call $advance)
            (if (i32.ne (call $peek) (i32.const 117)) (then (return (call $json_err (global.get $E_LONE_LEADING)))))
            (call $advance)
            (local.set $lo (call $hex4))
            (if (i32.lt_s (local.get $lo) (i32.const 0)) (then (return (i32.const 0))))
            (if (i32.ne (i32.and (local.get $lo) (i32.const 0xfc00)) (i32.const 0xdc00))
              (then (return (call $json_err (global.get $E_LONE_LEADING)))))
            (local.set $u (i32.add (i32.const 0x10000)
              (i32.or (i32.shl (i32.and (local.get $u) (i32.const 0x3ff)) (i32.const 10))
                      (i32.and (local.get $lo) (i32.const 0x3ff)))))))
        (call $emit_utf8 (local.get $u))
        (br $next))
      (call $emit_byte (local.get $b))
      (call $advance)
      (br $next))
    (i32.const 0))

  ;; Skips a JSON string without keeping it.
  (func $skip_string (result i32)
    (local $save i32)
    (local $ok i32)
    (local.set $save (global.get $heap))
    (local.set $ok (call $parse_string))
    (if (local.get $ok) (then (global.set $heap (local.get $save))))
    (local.get $ok))

  ;; Matches the NUL-terminated literal w ("true", "false", "null") at pos.
  (func $expect_word (param $w i32) (result i32)
    (local $c i32)
    (local $b i32)
    (loop $next
      (local.set $c (i32.load8_u (local.get $w)))
      (if (local.get $c)
        (then
          (local.set $b (call $peek))
          (if (i32.eq (local.get $b) (i32.const -1)) (then (return (call $json_err (global.get $E_EOF_VALUE)))))
          (if (i32.ne (local.get $b) (local.get $c)) (then (return (call $json_err (global.get $E_EXPECTED_IDENT)))))
          (call $advance)
          (local.set $w (i32.add (local.get $w) (i32.const 1)))
          (br $next))))
    (i32.const 1))

  (func $is_digit (param $b i32) (result i32)
    (i32.lt_u (i32.sub (local.get $b) (i32.const 48)) (i32.const 10)))

  (func $skip_digits
    (block $done
      (loop $next
        (br_if $done (i32.eqz (call $is_digit (call $peek))))
        (call $advance)
        (br $next))))

  ;; -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
  (func $skip_number (result i32)
    (local $b i32)
    (if (i32.eq (call $peek) (i32.const 45)) (then (call $advance)))
    (local.set $b (call $peek))
    (if (i32.eq (local.get $b) (i32.const -1)) (then (return (call $json_err (global.get $E_EOF_VALUE)))))
    (if (i32.eqz (call $is_digit (local.get $b))) (then (return (call $json_err (global.get $E_INVALID_NUMBER)))))
    (call $advance)
    (if (i32.ne (local.get $b) (i32.const 48)) (then (call $skip_digits)))
    (if (i32.eq (call $peek) (i32.const 46))
      (then
        (call $advance)
        (local.set $b (call $peek))
        (if (i32.eq (local.get $b) (i32.const -1)) (then (return (call $json_err (global.get $E_EOF_VALUE)))))
        (if (i32.eqz (call $is_digit (local.get $b))) (then (return (call $json_err (global.get $E_INVALID_NUMBER)))))
        (call $skip_digits)))
    (if (i32.eq (i32.or (call $peek) (i32.const 32)) (i32.const 101))
      (then
        (call $advance)
        (local.set $b (call $peek))
        (if (i32.or (i32.eq (local.get $b) (i32.const 43)) (i32.eq (local.get $b) (i32.const 45)))
          (then (call $advance)))
        (local.set $b (call $peek))
        (if (i32.eq (local.get $b) (i32.const -1)) (then (return (call $json_err (global.get $E_EOF_VALUE)))))
        (if (i32.eqz (call $is_digit (local.get $b))) (then (return (call $json_err (global.get $E_INVALID_NUMBER)))))
        (call $skip_digits)))
    (i32.const 1))

  ;; Skips any JSON value (after whitespace); depth counts enclosing arrays/objects.
  (func $skip_value (param $depth i32) (result i32)
    (local $b i32)
    (call $skip_ws)
    (local.set $b (call $peek))
    (if (i32.eq (local.get $b) (i32.const -1)) (then (return (call $json_err (global.get $E_EOF_VALUE)))))
    (if (i32.eq (local.get $b) (i32.const 34)) (then (return (call $skip_string))))
    (if (i32.or (i32.eq (local.get $b) (i32.const 123)) (i32.eq (local.get $b) (i32.const 91)))
      (then
        (if (i32.ge_u (local.get $depth) (i32.const 128)) (then (return (call $json_err (global.get $E_RECURSION)))))
        (if (i32.eq (local.get $b) (i32.const 123))
          (then (return (call $skip_object (i32.add (local.get $depth) (i32.const 1))))))
        (return (call $skip_array (i32.add (local.get $depth) (i32.const 1))))))
    (if (i32.eq (local.get $b) (i32.const 116)) (then (return (call $expect_word (global.get $W_TRUE)))))
    (if (i32.eq (local.get $b) (i32.const 102)) (then (return (call $expect_word (global.get $W_FALSE)))))
    (if (i32.eq (local.get $b) (i32.const 110)) (then (return (call $expect_word (global.get $W_NULL)))))
    (if (i32.or (i32.eq (local.get $b) (i32.const 45)) (call $is_digit (local.get $b)))
      (then (return (call $skip_number))))
    (call $json_err (global.get $E_EXPECTED_VALUE)))

  (func $skip_object (param $depth i32) (result i32)
    (local $r i32)
    (call $advance)
    (call $skip_ws)
    (if (i32.eq (call $peek) (i32.const 125)) (then (call $advance) (return (i32.const 1))))
    (loop $member
      (if (i32.eqz (call $object_key)) (then (return (i32.const 0))))
      (global.set $heap (global.get $str_ptr))
      (if (i32.eqz (call $skip_value (local.get $depth))) (then (return (i32.const 0))))
      (local.set $r (call $object_next))
      (br_if $member (i32.eqz (local.get $r)))
      (return (i32.eq (local.get $r) (i32.const 1))))
    (i32.const 0))

  ;; After '{' or ',': whitespace, a key string, whitespace and ':'. 1 with the key in str_ptr/str_len, or 0.
  (func $object_key (result i32)
    (local $b i32)
    (local $kp i32)
    (local $kl i32)
    (call $skip_ws)
    (local.set $b (call $peek))
    (if (i32.eq (local.get $b) (i32.const -1)) (then (return (call $json_err (global.get $E_EOF_OBJECT)))))
    (if (i32.ne (local.get $b) (i32.const 34)) (then (return (call $json_err (global.get $E_KEY_STRING)))))
    (if (i32.eqz (call $parse_string)) (then (return (i32.const 0))))
    (local.set $kp (global.get $str_ptr))
    (local.set $kl (global.get $str_len))
    (call $skip_ws)
    (local.set $b (call $peek))
    (if (i32.eq (local.get $b) (i32.const -1)) (then (return (call $json_err (global.get $E_EOF_OBJECT)))))
    (if (i32.ne (local.get $b) (i32.const 58)) (then (return (call $json_err (global.get $E_EXPECTED_COLON)))))
    (call $advance)
    (global.set $str_ptr (local.get $kp))
    (global.set $str_len (local.get $kl))
    (i32.const 1))

  ;; After a member's value: 0 when ',' follows (consumed), 1 when '}' follows (consumed), 2 on error.
  (func $object_next (result i32)
    (local $b i32)
    (call $skip_ws)
    (local.set $b (call $peek))
    (if (i32.eq (local.get $b) (i32.const 44)) (then (call $advance) (return (i32.const 0))))
    (if (i32.eq (local.get $b) (i32.const 125)) (then (call $advance) (return (i32.const 1))))
    (if (i32.eq (local.get $b) (i32.const -1)) (then (drop (call $json_err (global.get $E_EOF_OBJECT))) (return (i32.const 2))))
    (drop (call $json_err (global.get $E_EXPECTED_COMMA_BRACE)))
    (i32.const 2))

  (func $skip_array (param $depth i32) (result i32)
    (local $b i32)
    (call $advance)
    (call $skip_ws)
    (if (i32.eq (call $peek) (i32.const 93)) (then (call $advance) (return (i32.const 1))))
    (loop $element
      (if (i32.eqz (call $skip_value (local.get $depth))) (then (return (i32.const 0))))
      (call $skip_ws)
      (local.set $b (call $peek))
      (if (i32.eq (local.get $b) (i32.const 44)) (then (call $advance) (br $element)))
      (if (i32.eq (local.get $b) (i32.const 93)) (then (call $advance) (return (i32.const 1))))
      (if (i32.eq (local.get $b) (i32.const -1)) (then (return (call $json_err (global.get $E_EOF_LIST)))))
      (return (call $json_err (global.get $E_EXPECTED_COMMA_BRACKET))))
    (i32.const 0))

  ;; A string-typed field value at pos: 1 with str_ptr/str_len, or 0 (a non-string value is skipped first so
  ;; syntax errors win, then reported as "invalid type").
  (func $field_string (result i32)
    (local $b i32)
    (call $skip_ws)
    (local.set $b (call $peek))
    (if (i32.eq (local.get $b) (i32.const 34)) (then (return (call $parse_string))))
    (if (i32.eqz (call $skip_value (i32.const 1))) (then (return (i32.const 0))))
    (call $json_err (global.get $E_EXPECTED_STRING)))

  ;; ---------------------------------------------------------------- request
  (global $task_ptr (mut i32) (i32.const 0))
  (global $task_len (mut i32) (i32.const -1))
  (global $data_ptr (mut i32) (i32.const 0))
  (global $data_len (mut i32) (i32.const -1))   ;; -1: absent or null
  (global $iterations (mut i32) (i32.const 10))
  (global $seen (mut i32) (i32.const 0))         ;; bit 0 task, 1 iterations, 2 data

  ;; Unsigned 64-bit decimal.
  (func $emit_u64 (param $v i64)
    (if (i64.ge_u (local.get $v) (i64.const 10))
      (then (call $emit_u64 (i64.div_u (local.get $v) (i64.const 10)))))
    (call $emit_byte (i32.add (i32.const 48) (i32.wrap_i64 (i64.rem_u (local.get $v) (i64.const 10))))))

  ;; "invalid json: <what><text>`, expected u32 at ..."; returns 0.
  (func $u32_err (param $what i32) (param $start i32) (param $end i32) (result i32)
    (call $err_begin (global.get $E_INVALID_JSON))
    (call $emit_cstr (local.get $what))
    (call $emit_bytes (local.get $start) (i32.sub (local.get $end) (local.get $start)))
    (call $emit_cstr (global.get $E_U32_END))
    (call $emit_position)
    (call $err_end))

  ;; An Option<u32> field value: 1 with iterations set (null keeps the default), or 0 with the error set.
  (func $field_u32 (result i32)
    (local $b i32)
    (local $start i32)
    (local $end i32)
    (local $p i32)
    (local $v i64)
    (local $neg i32)
    (call $skip_ws)
    (local.set $b (call $peek))
    (if (i32.eq (local.get $b) (i32.const 110)) (then (return (call $expect_word (global.get $W_NULL)))))
    (if (i32.eqz (i32.or (i32.eq (local.get $b) (i32.const 45)) (call $is_digit (local.get $b))))
      (then
        (if (i32.eqz (call $skip_value (i32.const 1))) (then (return (i32.const 0))))
        (return (call $json_err (global.get $E_EXPECTED_U32)))))
    (local.set $start (global.get $pos))
    (if (i32.eqz (call $skip_number)) (then (return (i32.const 0))))
    (local.set $end (global.get $pos))
    (local.set $p (local.get $start))
    (if (i32.eq (i32.load8_u (local.get $p)) (i32.const 45))
      (then
        (local.set $neg (i32.const 1))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))))
    (block $digits_done
      (loop $next
        (br_if $digits_done (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $b (i32.load8_u (local.get $p)))
        (if (i32.eqz (call $is_digit (local.get $b)))
          (then (return (call $u32_err (global.get $E_FLOAT) (local.get $start) (local.get $end)))))
        (if (i64.le_u (local.get $v) (i64.const 0xffffffff))
          (then
            (local.set $v (i64.add (i64.mul (local.get $v) (i64.const 10))
                                   (i64.extend_i32_u (i32.sub (local.get $b) (i32.const 48)))))))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $next)))
    (if (i32.or (i64.gt_u (local.get $v) (i64.const 0xffffffff))
                (i32.and (local.get $neg) (i64.ne (local.get $v) (i64.const 0))))
      (then (return (call $u32_err (global.get $E_INTEGER) (local.get $start) (local.get $end)))))
    (global.set $iterations (i32.wrap_i64 (local.get $v)))
    (i32.const 1))

  ;; Reads the whole input as the JobInput object.
  (func $parse_request (result i32)
    (local $b i32)
    (local $kp i32)
    (local $kl i32)
    (local $r i32)
    (global.set $task_len (i32.const -1))
    (global.set $data_len (i32.const -1))
    (global.set $iterations (i32.const 10))
    (global.set $seen (i32.const 0))
    (call $skip_ws)
    (local.set $b (call $peek))
    (if (i32.eq (local.get $b) (i32.const -1)) (then (return (call $json_err (global.get $E_EOF_VALUE)))))
    (if (i32.ne (local.get $b) (i32.const 123))
      (then
        (if (i32.eqz (call $skip_value (i32.const 0))) (then (return (i32.const 0))))
        (return (call $json_err (global.get $E_NOT_OBJECT)))))
    (call $advance)
    (call $skip_ws)
    (block $members_done
      (if (i32.eq (call $peek) (i32.const 125)) (then (call $advance) (br $members_done)))
      (loop $member
        (if (i32.eqz (call $object_key)) (then (return (i32.const 0))))
        (local.set $kp (global.get $str_ptr))
        (local.set $kl (global.get $str_len))
        (block $value_done
          (if (call $eq_cstr (local.get $kp) (local.get $kl) (global.get $F_TASK))
            (then
              (if (i32.and (global.get $seen) (i32.const 1))
                (then (return (call $json_field_err (global.get $E_DUPLICATE_FIELD) (global.get $F_TASK)))))
              (global.set $seen (i32.or (global.get $seen) (i32.const 1)))
              (if (i32.eqz (call $field_string)) (then (return (i32.const 0))))
              (global.set $task_ptr (global.get $str_ptr))
              (global.set $task_len (global.get $str_len))
              (br $value_done)))
          (if (call $eq_cstr (local.get $kp) (local.get $kl) (global.get $F_ITERATIONS))
            (then
              (if (i32.and (global.get $seen) (i32.const 2))
                (then (return (call $json_field_err (global.get $E_DUPLICATE_FIELD) (global.get $F_ITERATIONS)))))
              (global.set $seen (i32.or (global.get $seen) (i32.const 2)))
              (if (i32.eqz (call $field_u32)) (then (return (i32.const 0))))
              (br $value_done)))
          (if (call $eq_cstr (local.get $kp) (local.get $kl) (global.get $F_DATA))
            (then
              (if (i32.and (global.get $seen) (i32.const 4))
                (then (return (call $json_field_err (global.get $E_DUPLICATE_FIELD) (global.get $F_DATA)))))
              (global.set $seen (i32.or (global.get $seen) (i32.const 4)))
              (call $skip_ws)
              (if (i32.eq (call $peek) (i32.const 110))
                (then
                  (if (i32.eqz (call $expect_word (global.get $W_NULL))) (then (return (i32.const 0))))
                  (br $value_done)))
              (if (i32.eqz (call $field_string)) (then (return (i32.const 0))))
              (global.set $data_ptr (global.get $str_ptr))
              (global.set $data_len (global.get $str_len))
              (br $value_done)))
          (global.set $heap (local.get $kp))
          (if (i32.eqz (call $skip_value (i32.const 1))) (then (return (i32.const 0)))))
        (local.set $r (call $object_next))
        (br_if $member (i32.eqz (local.get $r)))
        (if (i32.eq (local.get $r) (i32.const 2)) (then (return (i32.const 0))))))
    (call $skip_ws)
    (if (i32.lt_u (global.get $pos) (global.get $in_end)) (then (return (call $json_err (global.get $E_TRAILING)))))
    (if (i32.lt_s (global.get $task_len) (i32.const 0))
      (then (return (call $json_field_err (global.get $E_MISSING_FIELD) (global.get $F_TASK)))))
    (i32.const 1))

  ;; ---------------------------------------------------------------- tasks (each emits into the open buffer)
  ;; Rust's u64::from_str: optional '+', then one or more digits, no overflow. -1 when it does not parse.
  (global $parsed_ok (mut i32) (i32.const 0))
  (func $parse_u64 (param $p i32) (param $n i32) (result i64)
    (local $end i32)
    (local $v i64)
    (local $d i64)
    (global.set $parsed_ok (i32.const 0))
    (local.set $end (i32.add (local.get $p) (local.get $n)))
    (if (i32.and (i32.gt_u (local.get $n) (i32.const 1)) (i32.eq (i32.load8_u (local.get $p)) (i32.const 43)))
      (then (local.set $p (i32.add (local.get $p) (i32.const 1)))))
    (if (i32.ge_u (local.get $p) (local.get $end)) (then (return (i64.const 0))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (if (i32.eqz (call $is_digit (i32.load8_u (local.get $p)))) (then (return (i64.const 0))))
        (local.set $d (i64.extend_i32_u (i32.sub (i32.load8_u (local.get $p)) (i32.const 48))))
        ;; v*10 + d must not exceed 2^64-1
        (if (i64.gt_u (local.get $v) (i64.div_u (i64.sub (i64.const -1) (local.get $d)) (i64.const 10)))
          (then (return (i64.const 0))))
        (local.set $v (i64.add (i64.mul (local.get $v) (i64.const 10)) (local.get $d)))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $next)))
    (global.set $parsed_ok (i32.const 1))
    (local.get $v))

  (func $task_compute
    (local $r i64)
    (local $i i64)
    (local $n i64)
    (local.set $r (i64.const 1))
    (if (i32.ge_s (global.get $data_len) (i32.const 0))
      (then
        (local.set $i (call $parse_u64 (global.get $data_ptr) (global.get $data_len)))
        (if (global.get $parsed_ok) (then (local.set $r (local.get $i))))))
    (local.set $n (i64.extend_i32_u (global.get $iterations)))
    (local.set $i (i64.const 1))
    (block $done
      (loop $next
        (br_if $done (i64.gt_u (local.get $i) (local.get $n)))
        (local.set $r (i64.add (i64.mul (local.get $r) (local.get $i)) (local.get $i)))
        (local.set $i (i64.add (local.get $i) (i64.const 1)))
        (br $next)))
    (call $emit_cstr (global.get $R_COMPUTE))
    (call $emit_u64 (local.get $r)))

  (func $task_hash
    (local $p i32)
    (local $n i32)
    (local $i i32)
    (local $idx i32)
    (local $h i64)
    (local $k i32)
    (local.set $p (global.get $D_HASH))
    (local.set $n (i32.const 12))
    (if (i32.ge_s (global.get $data_len) (i32.const 0))
      (then
        (local.set $p (global.get $data_ptr))
        (local.set $n (global.get $data_len))))
    (block $done
      (loop $outer
        (br_if $done (i32.ge_u (local.get $i) (global.get $iterations)))
        (local.set $idx (i32.const 0))
        (block $row_done
          (loop $inner
            (br_if $row_done (i32.ge_u (local.get $idx) (local.get $n)))
            (local.set $h (i64.add (i64.add (i64.add
              (i64.mul (local.get $h) (i64.const 31))
              (i64.load8_u (i32.add (local.get $p) (local.get $idx))))
              (i64.extend_i32_u (local.get $i)))
              (i64.extend_i32_u (local.get $idx))))
            (local.set $idx (i32.add (local.get $idx) (i32.const 1)))
            (br $inner)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $outer)))
    (call $emit_cstr (global.get $R_HASH))
    (local.set $k (i32.const 56))
    (loop $digits
      (call $emit_hex_byte (i32.wrap_i64 (i64.and (i64.shr_u (local.get $h) (i64.extend_i32_u (local.get $k))) (i64.const 255))))
      (local.set $k (i32.sub (local.get $k) (i32.const 8)))
      (br_if $digits (i32.ge_s (local.get $k) (i32.const 0)))))

  (func $task_transform
    (local $p i32)
    (local $end i32)
    (local $b i32)
    (local $index i32)
    (local.set $p (global.get $D_TRANSFORM))
    (local.set $end (i32.add (global.get $D_TRANSFORM) (i32.const 11)))
    (if (i32.ge_s (global.get $data_len) (i32.const 0))
      (then
        (local.set $p (global.get $data_ptr))
        (local.set $end (i32.add (global.get $data_ptr) (global.get $data_len)))))
    (call $emit_cstr (global.get $R_TRANSFORM))
    ;; index counts characters: every byte that is not a UTF-8 continuation byte starts one
    (local.set $index (i32.const -1))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $b (i32.load8_u (local.get $p)))
        (if (i32.ne (i32.and (local.get $b) (i32.const 0xc0)) (i32.const 0x80))
          (then (local.set $index (i32.add (local.get $index) (i32.const 1)))))
        (if (i32.and (local.get $index) (i32.const 1))
          (then
            (if (i32.lt_u (i32.sub (local.get $b) (i32.const 65)) (i32.const 26))
              (then (local.set $b (i32.add (local.get $b) (i32.const 32))))))
          (else
            (if (i32.lt_u (i32.sub (local.get $b) (i32.const 97)) (i32.const 26))
              (then (local.set $b (i32.sub (local.get $b) (i32.const 32)))))))
        (call $emit_byte (local.get $b))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $next))))

  (func $fib (param $n i32) (result i64)
    (local $a i64)
    (local $b i64)
    (local $t i64)
    (local $k i32)
    (if (i32.le_u (local.get $n) (i32.const 1)) (then (return (i64.extend_i32_u (local.get $n)))))
    (local.set $b (i64.const 1))
    (local.set $k (i32.const 2))
    (block $done
      (loop $next
        (br_if $done (i32.gt_u (local.get $k) (local.get $n)))
        (local.set $t (i64.add (local.get $a) (local.get $b)))
        (local.set $a (local.get $b))
        (local.set $b (local.get $t))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $next)))
    (local.get $b))

  (func $task_stress
    (local $i i32)
    (local $limit i32)
    (local $sum i64)
    (local.set $limit (global.get $iterations))
    (if (i32.gt_u (local.get $limit) (i32.const 1000)) (then (local.set $limit (i32.const 1000))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $limit)))
        (local.set $sum (i64.add (local.get $sum) (call $fib (i32.rem_u (local.get $i) (i32.const 20)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (call $emit_cstr (global.get $R_STRESS))
    (call $emit_u32 (global.get $iterations))
    (call $emit_cstr (global.get $R_SUM))
    (call $emit_u64 (local.get $sum)))

  ;; ---------------------------------------------------------------- entrypoint
  (global $res_ptr (mut i32) (i32.const 0))
  (global $res_len (mut i32) (i32.const 0))

  ;; Runs the task into a result string (res); 0 with the error set for an unknown task.
  (func $run_task (result i32)
    (call $out_begin)
    (block $ran
      (if (call $eq_cstr (global.get $task_ptr) (global.get $task_len) (global.get $T_COMPUTE))
        (then (call $task_compute) (br $ran)))
      (if (call $eq_cstr (global.get $task_ptr) (global.get $task_len) (global.get $T_HASH))
        (then (call $task_hash) (br $ran)))
      (if (call $eq_cstr (global.get $task_ptr) (global.get $task_len) (global.get $T_TRANSFORM))
        (then (call $task_transform) (br $ran)))
      (if (call $eq_cstr (global.get $task_ptr) (global.get $task_len) (global.get $T_STRESS))
        (then (call $task_stress) (br $ran)))
      (call $err_begin (global.get $E_UNKNOWN_TASK))
      (call $emit_bytes (global.get $task_ptr) (global.get $task_len))
      (return (call $err_end)))
    (global.set $res_len (i32.sub (global.get $out_end) (global.get $out_start)))
    (global.set $res_ptr (call $out_finish))
    (i32.const 1))

  (func (export "onvm_main") (param $in_ptr i32) (param $in_len i32) (result i32 i32)
    (local $ok i32)
    (local $top i32)
    (local $rp i32)
    (local $rl i32)
    (local.set $top (i32.and (i32.add (i32.add (local.get $in_ptr) (local.get $in_len)) (i32.const 7)) (i32.const -8)))
    (global.set $heap (global.get $HEAP_BASE))
    (if (i32.gt_u (local.get $top) (global.get $heap)) (then (global.set $heap (local.get $top))))
    (call $ensure (global.get $heap))
    (global.set $in_start (local.get $in_ptr))
    (global.set $in_end (i32.add (local.get $in_ptr) (local.get $in_len)))
    (global.set $pos (local.get $in_ptr))
    (if (call $utf8_check (local.get $in_ptr) (local.get $in_len))
      (then
        (local.set $ok (call $parse_request))
        (if (local.get $ok) (then (local.set $ok (call $run_task)))))
      (else
        (call $err_begin (global.get $E_UTF8_ERROR))
        (call $emit_utf8_error)
        (drop (call $err_end))))
    (if (local.get $ok)
      (then
        (local.set $rp (global.get $res_ptr))
        (local.set $rl (global.get $res_len))
        (call $out_begin)
        (call $emit_cstr (global.get $O_SUCCESS))
        (call $emit_json_str (local.get $rp) (local.get $rl))
        (call $emit_cstr (global.get $O_ITER))
        (call $emit_u32 (global.get $iterations))
        (call $emit_cstr (global.get $O_FUEL))
        (call $emit_u64 (i64.add (i64.const 10000) (i64.mul (i64.extend_i32_u (global.get $iterations)) (i64.const 1000))))
        (call $emit_cstr (global.get $O_FUEL_END)))
      (else
        (call $out_begin)
        (call $emit_cstr (global.get $O_ERROR))
        (call $emit_json_str (global.get $err_ptr) (global.get $err_len))
        (call $emit_cstr (global.get $O_ERROR_END))))
    (global.set $res_len (i32.sub (global.get $out_end) (global.get $out_start)))
    (global.set $res_ptr (call $out_finish))
    (global.get $res_ptr)
    (global.get $res_len))
)
