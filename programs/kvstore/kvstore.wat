;; kvstore: the ONVM `kvstore` sample in WebAssembly text (hand-written; build with programs/build.sh).
;;
;; Protocol (JSON in, JSON out; see programs/README.md for the full table and golden values):
;;   {"op":"put","key":K,"data_base64":B}  -> {"status":"okput","key":K,"size":N,"checksum":H}
;;   {"op":"get","key":K}                  -> {"status":"okget","key":K,"size":N,"checksum":H,"data_base64":B}
;;   {"op":"list"}                         -> {"status":"oklist","entries":[{"key":K,"size":N,"checksum":H},...]}
;;   {"op":"clear"}                        -> {"status":"okclear","removed":N}
;;   {"op":"stats"}                        -> {"status":"okstats","total_keys":N,"total_bytes":N,"checksum":H}
;;   any failure                           -> {"status":"err","message":M}
;; H is the lowercase Blake3-256 hex of the value (stats: of key||value over all keys in index order). The key index
;; lives in state key "__keys" as base64 (standard alphabet, padded) of the sorted keys joined by commas. `get` reads
;; with a 1024-byte buffer and retries with the size the host asks for (negative return), up to 5 times; a missing or
;; empty value is "missing key". `clear` writes empty values for every key and for the index.
;;
;; Design:
;; - Memory map: 0x10000 constants (Blake3 IV, hex digits, base64 alphabet) and NUL-terminated strings; 0x12000
;;   Blake3 scratch (chaining value, block, CV stack); 0x12800 base64 decode table; heap from 0x13000 or from the end
;;   of the input, whichever is higher, so the input is never overwritten wherever the host placed it (offset 0 for
;;   ONVM with inputs up to 64 KiB; fresh pages for Marketplace).
;; - One bump heap, reset per call. Variable-length results (decoded strings, joined index, output JSON, error
;;   messages) are written through one "open buffer" (out_begin / emit_* / out_finish) at the top of the heap, so
;;   nothing may be allocated while a buffer is open. Memory grows on demand; a refused grow traps (memory limit).
;; - JSON reader: a recursive-descent validator/reader over [in_ptr, in_ptr+in_len) with serde_json-like error texts
;;   ("invalid json: <what> at line L column C"); unknown fields are skipped, duplicate known fields rejected, nesting
;;   limited to 128. Bad input always gives {"status":"err",...}, never a trap.
;; - Blake3: one-shot hashing of an in-memory buffer: full chunks are compressed and merged on a CV stack as they
;;   complete (merge while the chunk count is even), the last chunk is kept as the pending output and folded into
;;   parent nodes from the top of the stack; the final compression carries the ROOT flag. The 16 state and 16
;;   message words live in locals, G is written out inline, the message is permuted in place between the 7 rounds.
;; - Deliberate difference from ONVM: a put whose key contains a comma is refused ("key must not contain a comma"),
;;   because such a key would corrupt the comma-joined index.
(module
  (import "env" "onvm_state_get" (func $host_state_get (param i32 i32 i32 i32) (result i32)))
  (import "env" "onvm_state_put" (func $host_state_put (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 2)

  ;; ---------------------------------------------------------------- constants and scratch
  (global $IV i32 (i32.const 65536))
  (data (i32.const 65536) "\67\e6\09\6a\85\ae\67\bb\72\f3\6e\3c\3a\f5\4f\a5\7f\52\0e\51\8c\68\05\9b\ab\d9\83\1f\19\cd\e0\5b")
  (global $HEX i32 (i32.const 65568))
  (data (i32.const 65568) "0123456789abcdef")
  (global $B64 i32 (i32.const 65584))
  (data (i32.const 65584) "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
  (global $CV i32 (i32.const 73728))
  (global $BLK i32 (i32.const 73760))
  (global $RCV i32 (i32.const 73824))
  (global $STACK i32 (i32.const 73856))
  (global $HOUT i32 (i32.const 75584))
  (global $B64DEC i32 (i32.const 75776))
  (data (i32.const 75776) "\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\3e\ff\ff\ff\3f\34\35\36\37\38\39\3a\3b\3c\3d\ff\ff\ff\ff\ff\ff\ff\00\01\02\03\04\05\06\07\08\09\0a\0b\0c\0d\0e\0f\10\11\12\13\14\15\16\17\18\19\ff\ff\ff\ff\ff\ff\1a\1b\1c\1d\1e\1f\20\21\22\23\24\25\26\27\28\29\2a\2b\2c\2d\2e\2f\30\31\32\33\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff\ff")
  (global $HEAP_BASE i32 (i32.const 77824))

  ;; ---------------------------------------------------------------- strings (NUL-terminated)
  (global $S_OKPUT i32 (i32.const 65792))
  (data (i32.const 65792) "{\22status\22:\22okput\22,\22key\22:\00")
  (global $S_OKGET i32 (i32.const 65856))
  (data (i32.const 65856) "{\22status\22:\22okget\22,\22key\22:\00")
  (global $S_SIZE i32 (i32.const 65920))
  (data (i32.const 65920) ",\22size\22:\00")
  (global $S_CHECKSUM i32 (i32.const 65984))
  (data (i32.const 65984) ",\22checksum\22:\22\00")
  (global $S_DATA i32 (i32.const 66048))
  (data (i32.const 66048) "\22,\22data_base64\22:\22\00")
  (global $S_QEND i32 (i32.const 66112))
  (data (i32.const 66112) "\22}\00")
  (global $S_OKLIST i32 (i32.const 66176))
  (data (i32.const 66176) "{\22status\22:\22oklist\22,\22entries\22:[\00")
  (global $S_ENTRY_KEY i32 (i32.const 66240))
  (data (i32.const 66240) "{\22key\22:\00")
  (global $S_LIST_END i32 (i32.const 66304))
  (data (i32.const 66304) "]}\00")
  (global $S_OKCLEAR i32 (i32.const 66368))
  (data (i32.const 66368) "{\22status\22:\22okclear\22,\22removed\22:\00")
  (global $S_BRACE i32 (i32.const 66432))
  (data (i32.const 66432) "}\00")
  (global $S_OKSTATS i32 (i32.const 66496))
  (data (i32.const 66496) "{\22status\22:\22okstats\22,\22total_keys\22:\00")
  (global $S_TOTAL_BYTES i32 (i32.const 66560))
  (data (i32.const 66560) ",\22total_bytes\22:\00")
  (global $S_ERR i32 (i32.const 66624))
  (data (i32.const 66624) "{\22status\22:\22err\22,\22message\22:\00")
  (global $E_INVALID_JSON i32 (i32.const 66688))
  (data (i32.const 66688) "invalid json: \00")
  (global $E_AT_LINE i32 (i32.const 66752))
  (data (i32.const 66752) " at line \00")
  (global $E_COLUMN i32 (i32.const 66816))
  (data (i32.const 66816) " column \00")
  (global $E_EOF_VALUE i32 (i32.const 66880))
  (data (i32.const 66880) "EOF while parsing a value\00")
  (global $E_EXPECTED_VALUE i32 (i32.const 66944))
  (data (i32.const 66944) "expected value\00")
  (global $E_EOF_STRING i32 (i32.const 67008))
  (data (i32.const 67008) "EOF while parsing a string\00")
  (global $E_CONTROL i32 (i32.const 67072))
  (data (i32.const 67072) "control character (\5cu0000-\5cu001F) found while parsing a string\00")
  (global $E_INVALID_ESCAPE i32 (i32.const 67136))
  (data (i32.const 67136) "invalid escape\00")
  (global $E_LONE_LEADING i32 (i32.const 67200))
  (data (i32.const 67200) "lone leading surrogate in hex escape\00")
  (global $E_LONE_TRAILING i32 (i32.const 67264))
  (data (i32.const 67264) "lone trailing surrogate in hex escape\00")
  (global $E_EOF_OBJECT i32 (i32.const 67328))
  (data (i32.const 67328) "EOF while parsing an object\00")
  (global $E_KEY_STRING i32 (i32.const 67392))
  (data (i32.const 67392) "key must be a string\00")
  (global $E_EXPECTED_COLON i32 (i32.const 67456))
  (data (i32.const 67456) "expected `:`\00")
  (global $E_EXPECTED_COMMA_BRACE i32 (i32.const 67520))
  (data (i32.const 67520) "expected `,` or `}`\00")
  (global $E_EOF_LIST i32 (i32.const 67584))
  (data (i32.const 67584) "EOF while parsing a list\00")
  (global $E_EXPECTED_COMMA_BRACKET i32 (i32.const 67648))
  (data (i32.const 67648) "expected `,` or `]`\00")
  (global $E_INVALID_NUMBER i32 (i32.const 67712))
  (data (i32.const 67712) "invalid number\00")
  (global $E_EXPECTED_IDENT i32 (i32.const 67776))
  (data (i32.const 67776) "expected ident\00")
  (global $E_RECURSION i32 (i32.const 67840))
  (data (i32.const 67840) "recursion limit exceeded\00")
  (global $E_TRAILING i32 (i32.const 67904))
  (data (i32.const 67904) "trailing characters\00")
  (global $E_NOT_OBJECT i32 (i32.const 67968))
  (data (i32.const 67968) "invalid type: expected internally tagged enum Request\00")
  (global $E_EXPECTED_STRING i32 (i32.const 68032))
  (data (i32.const 68032) "invalid type: expected a string\00")
  (global $E_MISSING_FIELD i32 (i32.const 68096))
  (data (i32.const 68096) "missing field `\00")
  (global $E_DUPLICATE_FIELD i32 (i32.const 68160))
  (data (i32.const 68160) "duplicate field `\00")
  (global $E_BACKTICK i32 (i32.const 68224))
  (data (i32.const 68224) "`\00")
  (global $E_UNKNOWN_VARIANT i32 (i32.const 68288))
  (data (i32.const 68288) "unknown variant `\00")
  (global $E_VARIANTS i32 (i32.const 68352))
  (data (i32.const 68352) "`, expected one of `put`, `get`, `list`, `clear`, `stats`\00")
  (global $E_MISSING_KEY i32 (i32.const 68416))
  (data (i32.const 68416) "missing key\00")
  (global $E_UNABLE i32 (i32.const 68480))
  (data (i32.const 68480) "unable to fetch value\00")
  (global $E_B64 i32 (i32.const 68544))
  (data (i32.const 68544) "base64 decode: \00")
  (global $E_DECODE_KEYS i32 (i32.const 68608))
  (data (i32.const 68608) "decode keys: \00")
  (global $E_UTF8_KEYS i32 (i32.const 68672))
  (data (i32.const 68672) "utf8 keys: \00")
  (global $E_STATE_PUT i32 (i32.const 68736))
  (data (i32.const 68736) "state put: \00")
  (global $E_STATE_PUT_FAILED i32 (i32.const 68800))
  (data (i32.const 68800) "state put failed: \00")
  (global $E_COMMA i32 (i32.const 68864))
  (data (i32.const 68864) "key must not contain a comma\00")
  (global $E_B64_SYMBOL i32 (i32.const 68928))
  (data (i32.const 68928) "Invalid symbol \00")
  (global $E_B64_OFFSET i32 (i32.const 68992))
  (data (i32.const 68992) ", offset \00")
  (global $E_DOT i32 (i32.const 69056))
  (data (i32.const 69056) ".\00")
  (global $E_B64_LENGTH i32 (i32.const 69120))
  (data (i32.const 69120) "Invalid input length: \00")
  (global $E_B64_LAST i32 (i32.const 69184))
  (data (i32.const 69184) "Invalid last symbol \00")
  (global $E_B64_PADDING i32 (i32.const 69248))
  (data (i32.const 69248) "Invalid padding\00")
  (global $E_UTF8_SEQ i32 (i32.const 69312))
  (data (i32.const 69312) "invalid utf-8 sequence of \00")
  (global $E_UTF8_BYTES i32 (i32.const 69376))
  (data (i32.const 69376) " bytes from index \00")
  (global $E_UTF8_INCOMPLETE i32 (i32.const 69440))
  (data (i32.const 69440) "incomplete utf-8 byte sequence from index \00")
  (global $E_INVALID_UNICODE i32 (i32.const 69504))
  (data (i32.const 69504) "invalid unicode code point\00")
  (global $F_OP i32 (i32.const 69568))
  (data (i32.const 69568) "op\00")
  (global $F_KEY i32 (i32.const 69632))
  (data (i32.const 69632) "key\00")
  (global $F_DATA i32 (i32.const 69696))
  (data (i32.const 69696) "data_base64\00")
  (global $V_PUT i32 (i32.const 69760))
  (data (i32.const 69760) "put\00")
  (global $V_GET i32 (i32.const 69824))
  (data (i32.const 69824) "get\00")
  (global $V_LIST i32 (i32.const 69888))
  (data (i32.const 69888) "list\00")
  (global $V_CLEAR i32 (i32.const 69952))
  (data (i32.const 69952) "clear\00")
  (global $V_STATS i32 (i32.const 70016))
  (data (i32.const 70016) "stats\00")
  (global $K_INDEX i32 (i32.const 70080))
  (data (i32.const 70080) "__keys\00")
  (global $W_TRUE i32 (i32.const 70144))
  (data (i32.const 70144) "true\00")
  (global $W_FALSE i32 (i32.const 70208))
  (data (i32.const 70208) "false\00")
  (global $W_NULL i32 (i32.const 70272))
  (data (i32.const 70272) "null\00")

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


  ;; ---------------------------------------------------------------- base64
  ;; Standard base64 with padding (space reserved once, symbols stored directly).
  (func $emit_b64 (param $p i32) (param $n i32)
    (local $end i32)
    (local $v i32)
    (local $o i32)
    (local.set $end (i32.add (local.get $p) (local.get $n)))
    (call $ensure (i32.add (global.get $out_end)
      (i32.shl (i32.div_u (i32.add (local.get $n) (i32.const 2)) (i32.const 3)) (i32.const 2))))
    (local.set $o (global.get $out_end))
    (block $done
      (loop $next
        (br_if $done (i32.gt_u (i32.add (local.get $p) (i32.const 3)) (local.get $end)))
        (local.set $v (i32.or (i32.or
          (i32.shl (i32.load8_u (local.get $p)) (i32.const 16))
          (i32.shl (i32.load8_u offset=1 (local.get $p)) (i32.const 8)))
          (i32.load8_u offset=2 (local.get $p))))
        (i32.store8 (local.get $o) (call $b64_sym (i32.shr_u (local.get $v) (i32.const 18))))
        (i32.store8 offset=1 (local.get $o) (call $b64_sym (i32.shr_u (local.get $v) (i32.const 12))))
        (i32.store8 offset=2 (local.get $o) (call $b64_sym (i32.shr_u (local.get $v) (i32.const 6))))
        (i32.store8 offset=3 (local.get $o) (call $b64_sym (local.get $v)))
        (local.set $o (i32.add (local.get $o) (i32.const 4)))
        (local.set $p (i32.add (local.get $p) (i32.const 3)))
        (br $next)))
    (if (i32.ne (local.get $p) (local.get $end))
      (then
        (local.set $v (i32.shl (i32.load8_u (local.get $p)) (i32.const 16)))
        (if (i32.eq (i32.sub (local.get $end) (local.get $p)) (i32.const 2))
          (then (local.set $v (i32.or (local.get $v) (i32.shl (i32.load8_u offset=1 (local.get $p)) (i32.const 8))))))
        (i32.store8 (local.get $o) (call $b64_sym (i32.shr_u (local.get $v) (i32.const 18))))
        (i32.store8 offset=1 (local.get $o) (call $b64_sym (i32.shr_u (local.get $v) (i32.const 12))))
        (i32.store8 offset=2 (local.get $o)
          (select (call $b64_sym (i32.shr_u (local.get $v) (i32.const 6))) (i32.const 61)
                  (i32.eq (i32.sub (local.get $end) (local.get $p)) (i32.const 2))))
        (i32.store8 offset=3 (local.get $o) (i32.const 61))
        (local.set $o (i32.add (local.get $o) (i32.const 4)))))
    (global.set $out_end (local.get $o)))

  ;; The base64 symbol of the low 6 bits of v.
  (func $b64_sym (param $v i32) (result i32)
    (i32.load8_u (i32.add (global.get $B64) (i32.and (local.get $v) (i32.const 63)))))

  ;; Strict standard base64 decode (canonical padding required, no trailing bits), like the Rust base64 crate's
  ;; STANDARD engine. Returns 1 with the bytes in str_ptr/str_len, or 0 with an error message "<prefix><reason>".
  ;; Decodes first, OR-ing every table value into one accumulator (invalid symbols map to 0xff); only when that
  ;; shows an invalid symbol is the input scanned again to name the first one.
  (func $b64_decode (param $p i32) (param $n i32) (param $prefix i32) (result i32)
    (local $i i32)
    (local $c i32)
    (local $s i32)
    (local $pad i32)
    (local $out i32)
    (local $o i32)
    (local $v i32)
    (local $rem i32)
    (local $acc i32)
    (local $a i32)
    ;; trailing '=' padding
    (block $pad_end
      (loop $next
        (br_if $pad_end (i32.ge_u (local.get $pad) (local.get $n)))
        (br_if $pad_end (i32.ne (i32.load8_u (i32.add (local.get $p) (i32.sub (i32.sub (local.get $n) (local.get $pad)) (i32.const 1))))
                                (i32.const 61)))
        (local.set $pad (i32.add (local.get $pad) (i32.const 1)))
        (br $next)))
    (local.set $s (i32.sub (local.get $n) (local.get $pad)))
    (local.set $rem (i32.and (local.get $s) (i32.const 3)))
    ;; decode the full groups
    (local.set $out (call $alloc (i32.add (i32.mul (i32.shr_u (local.get $s) (i32.const 2)) (i32.const 3)) (i32.const 3))))
    (local.set $o (local.get $out))
    (block $done
      (loop $next
        (br_if $done (i32.gt_u (i32.add (local.get $i) (i32.const 4)) (local.get $s)))
        (local.set $c (i32.add (local.get $p) (local.get $i)))
        (local.set $a (i32.or
          (i32.or (i32.shl (i32.load8_u (i32.add (global.get $B64DEC) (i32.load8_u (local.get $c)))) (i32.const 24))
                  (i32.shl (i32.load8_u (i32.add (global.get $B64DEC) (i32.load8_u offset=1 (local.get $c)))) (i32.const 16)))
          (i32.or (i32.shl (i32.load8_u (i32.add (global.get $B64DEC) (i32.load8_u offset=2 (local.get $c)))) (i32.const 8))
                  (i32.load8_u (i32.add (global.get $B64DEC) (i32.load8_u offset=3 (local.get $c)))))))
        (local.set $acc (i32.or (local.get $acc) (local.get $a)))
        ;; the four 6-bit values, packed: a = s0<<24 | s1<<16 | s2<<8 | s3
        (local.set $v (i32.or
          (i32.or (i32.shl (i32.shr_u (local.get $a) (i32.const 24)) (i32.const 18))
                  (i32.shl (i32.and (i32.shr_u (local.get $a) (i32.const 16)) (i32.const 63)) (i32.const 12)))
          (i32.or (i32.shl (i32.and (i32.shr_u (local.get $a) (i32.const 8)) (i32.const 63)) (i32.const 6))
                  (i32.and (local.get $a) (i32.const 63)))))
        (i32.store8 (local.get $o) (i32.shr_u (local.get $v) (i32.const 16)))
        (i32.store8 offset=1 (local.get $o) (i32.shr_u (local.get $v) (i32.const 8)))
        (i32.store8 offset=2 (local.get $o) (local.get $v))
        (local.set $o (i32.add (local.get $o) (i32.const 3)))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $next)))
    ;; the last partial group
    (block $tail_done
      (loop $tail
        (br_if $tail_done (i32.ge_u (local.get $i) (local.get $s)))
        (local.set $acc (i32.or (local.get $acc)
          (i32.load8_u (i32.add (global.get $B64DEC) (i32.load8_u (i32.add (local.get $p) (local.get $i)))))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $tail)))
    ;; an invalid symbol (this includes '=' before the trailing padding): name the first one
    (if (i32.and (local.get $acc) (i32.const 0x80808080))
      (then
        (local.set $i (i32.const 0))
        (loop $find
          (local.set $c (i32.load8_u (i32.add (local.get $p) (local.get $i))))
          (if (i32.eq (i32.load8_u (i32.add (global.get $B64DEC) (local.get $c))) (i32.const 0xff))
            (then (return (call $b64_fail_symbol (local.get $prefix) (global.get $E_B64_SYMBOL) (local.get $i) (local.get $c)))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $find))))
    (if (i32.eq (local.get $rem) (i32.const 1))
      (then
        (call $err_begin (local.get $prefix))
        (call $emit_cstr (global.get $E_B64_LENGTH))
        (call $emit_u32 (local.get $n))
        (return (call $err_end))))
    (if (i32.or (i32.or (i32.gt_u (local.get $pad) (i32.const 2))
                        (i32.and (i32.add (local.get $s) (local.get $pad)) (i32.const 3)))
                (i32.and (i32.eqz (local.get $rem)) (i32.ne (local.get $pad) (i32.const 0))))
      (then
        (call $err_begin (local.get $prefix))
        (call $emit_cstr (global.get $E_B64_PADDING))
        (return (call $err_end))))
    (if (local.get $rem)
      (then
        (local.set $c (i32.load8_u (i32.add (local.get $p) (i32.sub (local.get $s) (i32.const 1)))))
        ;; trailing bits of the last symbol must be zero (4 bits after 2 symbols, 2 bits after 3)
        (if (i32.and (i32.load8_u (i32.add (global.get $B64DEC) (local.get $c)))
                     (select (i32.const 15) (i32.const 3) (i32.eq (local.get $rem) (i32.const 2))))
          (then (return (call $b64_fail_symbol (local.get $prefix) (global.get $E_B64_LAST)
                          (i32.sub (local.get $s) (i32.const 1)) (local.get $c)))))
        (local.set $v (call $b64_quad (local.get $p) (i32.sub (local.get $s) (local.get $rem)) (local.get $rem)))
        (i32.store8 (local.get $o) (i32.shr_u (local.get $v) (i32.const 16)))
        (local.set $o (i32.add (local.get $o) (i32.const 1)))
        (if (i32.eq (local.get $rem) (i32.const 3))
          (then
            (i32.store8 (local.get $o) (i32.shr_u (local.get $v) (i32.const 8)))
            (local.set $o (i32.add (local.get $o) (i32.const 1)))))))
    (global.set $str_ptr (local.get $out))
    (global.set $str_len (i32.sub (local.get $o) (local.get $out)))
    (i32.const 1))

  ;; Up to 4 symbols (already validated) at p+at as a 24-bit value, missing symbols counting as zero.
  (func $b64_quad (param $p i32) (param $at i32) (param $k i32) (result i32)
    (local $i i32)
    (local $v i32)
    (local.set $p (i32.add (local.get $p) (local.get $at)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (i32.const 4)))
        (local.set $v (i32.shl (local.get $v) (i32.const 6)))
        (if (i32.lt_u (local.get $i) (local.get $k))
          (then
            (local.set $v (i32.or (local.get $v)
              (i32.load8_u (i32.add (global.get $B64DEC) (i32.load8_u (i32.add (local.get $p) (local.get $i)))))))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $v))

  ;; "<prefix><what><byte>, offset <index>." ; returns 0.
  (func $b64_fail_symbol (param $prefix i32) (param $what i32) (param $index i32) (param $byte i32) (result i32)
    (call $err_begin (local.get $prefix))
    (call $emit_cstr (local.get $what))
    (call $emit_u32 (local.get $byte))
    (call $emit_cstr (global.get $E_B64_OFFSET))
    (call $emit_u32 (local.get $index))
    (call $emit_cstr (global.get $E_DOT))
    (call $err_end))

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

  ;; ---------------------------------------------------------------- Blake3 (hash mode, 32-byte output)
  ;; Flags: CHUNK_START 1, CHUNK_END 2, PARENT 4, ROOT 8. Counters stay below 2^32 (inputs under 4 TiB).
  ;; The round body spells out the eight quarter-rounds G(a, b, c, d; x, y) on locals (no calls: fuel is per
  ;; instruction) and then permutes the message words in place.

  ;; Compresses the 64-byte block at blk under the chaining value at cv; writes the 8-word result to out (which may
  ;; alias cv or blk: everything is loaded first).
  (func $compress (param $cv i32) (param $blk i32) (param $counter i32) (param $blen i32) (param $flags i32)
    (param $out i32)
    (local $s0 i32) (local $s1 i32) (local $s2 i32) (local $s3 i32) (local $s4 i32) (local $s5 i32) (local $s6 i32)
    (local $s7 i32) (local $s8 i32) (local $s9 i32) (local $s10 i32) (local $s11 i32) (local $s12 i32) (local $s13 i32)
    (local $s14 i32) (local $s15 i32)
    (local $m0 i32) (local $m1 i32) (local $m2 i32) (local $m3 i32) (local $m4 i32) (local $m5 i32) (local $m6 i32)
    (local $m7 i32) (local $m8 i32) (local $m9 i32) (local $m10 i32) (local $m11 i32) (local $m12 i32) (local $m13 i32)
    (local $m14 i32) (local $m15 i32)
    (local $round i32)
    (local.set $s0 (i32.load offset=0 (local.get $cv)))
    (local.set $s1 (i32.load offset=4 (local.get $cv)))
    (local.set $s2 (i32.load offset=8 (local.get $cv)))
    (local.set $s3 (i32.load offset=12 (local.get $cv)))
    (local.set $s4 (i32.load offset=16 (local.get $cv)))
    (local.set $s5 (i32.load offset=20 (local.get $cv)))
    (local.set $s6 (i32.load offset=24 (local.get $cv)))
    (local.set $s7 (i32.load offset=28 (local.get $cv)))
    (local.set $s8 (i32.const 0x6a09e667))
    (local.set $s9 (i32.const 0xbb67ae85))
    (local.set $s10 (i32.const 0x3c6ef372))
    (local.set $s11 (i32.const 0xa54ff53a))
    (local.set $s12 (local.get $counter))
    (local.set $s13 (i32.const 0))
    (local.set $s14 (local.get $blen))
    (local.set $s15 (local.get $flags))
    (local.set $m0 (i32.load offset=0 (local.get $blk)))
    (local.set $m1 (i32.load offset=4 (local.get $blk)))
    (local.set $m2 (i32.load offset=8 (local.get $blk)))
    (local.set $m3 (i32.load offset=12 (local.get $blk)))
    (local.set $m4 (i32.load offset=16 (local.get $blk)))
    (local.set $m5 (i32.load offset=20 (local.get $blk)))
    (local.set $m6 (i32.load offset=24 (local.get $blk)))
    (local.set $m7 (i32.load offset=28 (local.get $blk)))
    (local.set $m8 (i32.load offset=32 (local.get $blk)))
    (local.set $m9 (i32.load offset=36 (local.get $blk)))
    (local.set $m10 (i32.load offset=40 (local.get $blk)))
    (local.set $m11 (i32.load offset=44 (local.get $blk)))
    (local.set $m12 (i32.load offset=48 (local.get $blk)))
    (local.set $m13 (i32.load offset=52 (local.get $blk)))
    (local.set $m14 (i32.load offset=56 (local.get $blk)))
    (local.set $m15 (i32.load offset=60 (local.get $blk)))
    (loop $rounds
        ;; columns, then diagonals
        ;; G(s0, s4, s8, s12; m0, m1)
        (local.set $s0 (i32.add (i32.add (local.get $s0) (local.get $s4)) (local.get $m0)))
        (local.set $s12 (i32.rotr (i32.xor (local.get $s12) (local.get $s0)) (i32.const 16)))
        (local.set $s8 (i32.add (local.get $s8) (local.get $s12)))
        (local.set $s4 (i32.rotr (i32.xor (local.get $s4) (local.get $s8)) (i32.const 12)))
        (local.set $s0 (i32.add (i32.add (local.get $s0) (local.get $s4)) (local.get $m1)))
        (local.set $s12 (i32.rotr (i32.xor (local.get $s12) (local.get $s0)) (i32.const 8)))
        (local.set $s8 (i32.add (local.get $s8) (local.get $s12)))
        (local.set $s4 (i32.rotr (i32.xor (local.get $s4) (local.get $s8)) (i32.const 7)))
        ;; G(s1, s5, s9, s13; m2, m3)
        (local.set $s1 (i32.add (i32.add (local.get $s1) (local.get $s5)) (local.get $m2)))
        (local.set $s13 (i32.rotr (i32.xor (local.get $s13) (local.get $s1)) (i32.const 16)))
        (local.set $s9 (i32.add (local.get $s9) (local.get $s13)))
        (local.set $s5 (i32.rotr (i32.xor (local.get $s5) (local.get $s9)) (i32.const 12)))
        (local.set $s1 (i32.add (i32.add (local.get $s1) (local.get $s5)) (local.get $m3)))
        (local.set $s13 (i32.rotr (i32.xor (local.get $s13) (local.get $s1)) (i32.const 8)))
        (local.set $s9 (i32.add (local.get $s9) (local.get $s13)))
        (local.set $s5 (i32.rotr (i32.xor (local.get $s5) (local.get $s9)) (i32.const 7)))
        ;; G(s2, s6, s10, s14; m4, m5)
        (local.set $s2 (i32.add (i32.add (local.get $s2) (local.get $s6)) (local.get $m4)))
        (local.set $s14 (i32.rotr (i32.xor (local.get $s14) (local.get $s2)) (i32.const 16)))
        (local.set $s10 (i32.add (local.get $s10) (local.get $s14)))
        (local.set $s6 (i32.rotr (i32.xor (local.get $s6) (local.get $s10)) (i32.const 12)))
        (local.set $s2 (i32.add (i32.add (local.get $s2) (local.get $s6)) (local.get $m5)))
        (local.set $s14 (i32.rotr (i32.xor (local.get $s14) (local.get $s2)) (i32.const 8)))
        (local.set $s10 (i32.add (local.get $s10) (local.get $s14)))
        (local.set $s6 (i32.rotr (i32.xor (local.get $s6) (local.get $s10)) (i32.const 7)))
        ;; G(s3, s7, s11, s15; m6, m7)
        (local.set $s3 (i32.add (i32.add (local.get $s3) (local.get $s7)) (local.get $m6)))
        (local.set $s15 (i32.rotr (i32.xor (local.get $s15) (local.get $s3)) (i32.const 16)))
        (local.set $s11 (i32.add (local.get $s11) (local.get $s15)))
        (local.set $s7 (i32.rotr (i32.xor (local.get $s7) (local.get $s11)) (i32.const 12)))
        (local.set $s3 (i32.add (i32.add (local.get $s3) (local.get $s7)) (local.get $m7)))
        (local.set $s15 (i32.rotr (i32.xor (local.get $s15) (local.get $s3)) (i32.const 8)))
        (local.set $s11 (i32.add (local.get $s11) (local.get $s15)))
        (local.set $s7 (i32.rotr (i32.xor (local.get $s7) (local.get $s11)) (i32.const 7)))
        ;; G(s0, s5, s10, s15; m8, m9)
        (local.set $s0 (i32.add (i32.add (local.get $s0) (local.get $s5)) (local.get $m8)))
        (local.set $s15 (i32.rotr (i32.xor (local.get $s15) (local.get $s0)) (i32.const 16)))
        (local.set $s10 (i32.add (local.get $s10) (local.get $s15)))
        (local.set $s5 (i32.rotr (i32.xor (local.get $s5) (local.get $s10)) (i32.const 12)))
        (local.set $s0 (i32.add (i32.add (local.get $s0) (local.get $s5)) (local.get $m9)))
        (local.set $s15 (i32.rotr (i32.xor (local.get $s15) (local.get $s0)) (i32.const 8)))
        (local.set $s10 (i32.add (local.get $s10) (local.get $s15)))
        (local.set $s5 (i32.rotr (i32.xor (local.get $s5) (local.get $s10)) (i32.const 7)))
        ;; G(s1, s6, s11, s12; m10, m11)
        (local.set $s1 (i32.add (i32.add (local.get $s1) (local.get $s6)) (local.get $m10)))
        (local.set $s12 (i32.rotr (i32.xor (local.get $s12) (local.get $s1)) (i32.const 16)))
        (local.set $s11 (i32.add (local.get $s11) (local.get $s12)))
        (local.set $s6 (i32.rotr (i32.xor (local.get $s6) (local.get $s11)) (i32.const 12)))
        (local.set $s1 (i32.add (i32.add (local.get $s1) (local.get $s6)) (local.get $m11)))
        (local.set $s12 (i32.rotr (i32.xor (local.get $s12) (local.get $s1)) (i32.const 8)))
        (local.set $s11 (i32.add (local.get $s11) (local.get $s12)))
        (local.set $s6 (i32.rotr (i32.xor (local.get $s6) (local.get $s11)) (i32.const 7)))
        ;; G(s2, s7, s8, s13; m12, m13)
        (local.set $s2 (i32.add (i32.add (local.get $s2) (local.get $s7)) (local.get $m12)))
        (local.set $s13 (i32.rotr (i32.xor (local.get $s13) (local.get $s2)) (i32.const 16)))
        (local.set $s8 (i32.add (local.get $s8) (local.get $s13)))
        (local.set $s7 (i32.rotr (i32.xor (local.get $s7) (local.get $s8)) (i32.const 12)))
        (local.set $s2 (i32.add (i32.add (local.get $s2) (local.get $s7)) (local.get $m13)))
        (local.set $s13 (i32.rotr (i32.xor (local.get $s13) (local.get $s2)) (i32.const 8)))
        (local.set $s8 (i32.add (local.get $s8) (local.get $s13)))
        (local.set $s7 (i32.rotr (i32.xor (local.get $s7) (local.get $s8)) (i32.const 7)))
        ;; G(s3, s4, s9, s14; m14, m15)
        (local.set $s3 (i32.add (i32.add (local.get $s3) (local.get $s4)) (local.get $m14)))
        (local.set $s14 (i32.rotr (i32.xor (local.get $s14) (local.get $s3)) (i32.const 16)))
        (local.set $s9 (i32.add (local.get $s9) (local.get $s14)))
        (local.set $s4 (i32.rotr (i32.xor (local.get $s4) (local.get $s9)) (i32.const 12)))
        (local.set $s3 (i32.add (i32.add (local.get $s3) (local.get $s4)) (local.get $m15)))
        (local.set $s14 (i32.rotr (i32.xor (local.get $s14) (local.get $s3)) (i32.const 8)))
        (local.set $s9 (i32.add (local.get $s9) (local.get $s14)))
        (local.set $s4 (i32.rotr (i32.xor (local.get $s4) (local.get $s9)) (i32.const 7)))
        ;; permute: m[i] <- m[PERM[i]]
        local.get $m2 local.get $m6 local.get $m3 local.get $m10 local.get $m7 local.get $m0 local.get $m4 local.get $m13
        local.get $m1 local.get $m11 local.get $m12 local.get $m5 local.get $m9 local.get $m14 local.get $m15 local.get $m8
        local.set $m15 local.set $m14 local.set $m13 local.set $m12 local.set $m11 local.set $m10 local.set $m9 local.set $m8
        local.set $m7 local.set $m6 local.set $m5 local.set $m4 local.set $m3 local.set $m2 local.set $m1 local.set $m0
        (local.set $round (i32.add (local.get $round) (i32.const 1)))
        (br_if $rounds (i32.lt_u (local.get $round) (i32.const 7))))
    (i32.store offset=0 (local.get $out) (i32.xor (local.get $s0) (local.get $s8)))
    (i32.store offset=4 (local.get $out) (i32.xor (local.get $s1) (local.get $s9)))
    (i32.store offset=8 (local.get $out) (i32.xor (local.get $s2) (local.get $s10)))
    (i32.store offset=12 (local.get $out) (i32.xor (local.get $s3) (local.get $s11)))
    (i32.store offset=16 (local.get $out) (i32.xor (local.get $s4) (local.get $s12)))
    (i32.store offset=20 (local.get $out) (i32.xor (local.get $s5) (local.get $s13)))
    (i32.store offset=24 (local.get $out) (i32.xor (local.get $s6) (local.get $s14)))
    (i32.store offset=28 (local.get $out) (i32.xor (local.get $s7) (local.get $s15))))

  ;; Blake3-256 of [p, p+n) into the 32 bytes at out.
  (func $blake3 (param $p i32) (param $n i32) (param $out i32)
    (local $chunks i32)
    (local $c i32)
    (local $b i32)
    (local $sp i32)
    (local $total i32)
    (local $start i32)
    (local $clen i32)
    (local $nb i32)
    (local $counter i32)
    (local $blen i32)
    (local $flags i32)
    (local.set $chunks (i32.shr_u (i32.add (local.get $n) (i32.const 1023)) (i32.const 10)))
    (if (i32.eqz (local.get $chunks)) (then (local.set $chunks (i32.const 1))))
    ;; every chunk but the last: compress its 16 blocks, then push its CV, merging completed subtrees
    (block $full_done
      (loop $full
        (br_if $full_done (i32.ge_u (local.get $c) (i32.sub (local.get $chunks) (i32.const 1))))
        (local.set $start (i32.add (local.get $p) (i32.shl (local.get $c) (i32.const 10))))
        (memory.copy (global.get $CV) (global.get $IV) (i32.const 32))
        (local.set $b (i32.const 0))
        (loop $blocks
          (call $compress (global.get $CV) (i32.add (local.get $start) (i32.shl (local.get $b) (i32.const 6)))
            (local.get $c) (i32.const 64)
            (i32.or (i32.eqz (local.get $b)) (i32.shl (i32.eq (local.get $b) (i32.const 15)) (i32.const 1)))
            (global.get $CV))
          (local.set $b (i32.add (local.get $b) (i32.const 1)))
          (br_if $blocks (i32.lt_u (local.get $b) (i32.const 16))))
        (local.set $total (i32.add (local.get $c) (i32.const 1)))
        (block $merged
          (loop $merge
            (br_if $merged (i32.and (local.get $total) (i32.const 1)))
            (local.set $sp (i32.sub (local.get $sp) (i32.const 1)))
            (memory.copy (global.get $BLK) (i32.add (global.get $STACK) (i32.shl (local.get $sp) (i32.const 5))) (i32.const 32))
            (memory.copy (i32.add (global.get $BLK) (i32.const 32)) (global.get $CV) (i32.const 32))
            (call $compress (global.get $IV) (global.get $BLK) (i32.const 0) (i32.const 64) (i32.const 4) (global.get $CV))
            (local.set $total (i32.shr_u (local.get $total) (i32.const 1)))
            (br $merge)))
        (memory.copy (i32.add (global.get $STACK) (i32.shl (local.get $sp) (i32.const 5))) (global.get $CV) (i32.const 32))
        (local.set $sp (i32.add (local.get $sp) (i32.const 1)))
        (local.set $c (i32.add (local.get $c) (i32.const 1)))
        (br $full)))
    ;; the last chunk: all blocks but its last, which becomes the pending output (CV, BLK, counter, blen, flags)
    (local.set $start (i32.add (local.get $p) (i32.shl (local.get $c) (i32.const 10))))
    (local.set $clen (i32.sub (local.get $n) (i32.shl (local.get $c) (i32.const 10))))
    (local.set $nb (i32.shr_u (i32.add (local.get $clen) (i32.const 63)) (i32.const 6)))
    (if (i32.eqz (local.get $nb)) (then (local.set $nb (i32.const 1))))
    (memory.copy (global.get $CV) (global.get $IV) (i32.const 32))
    (local.set $b (i32.const 0))
    (block $last_done
      (loop $blocks
        (br_if $last_done (i32.ge_u (local.get $b) (i32.sub (local.get $nb) (i32.const 1))))
        (call $compress (global.get $CV) (i32.add (local.get $start) (i32.shl (local.get $b) (i32.const 6)))
          (local.get $c) (i32.const 64) (i32.eqz (local.get $b)) (global.get $CV))
        (local.set $b (i32.add (local.get $b) (i32.const 1)))
        (br $blocks)))
    (local.set $blen (i32.sub (local.get $clen) (i32.shl (local.get $b) (i32.const 6))))
    (memory.fill (global.get $BLK) (i32.const 0) (i32.const 64))
    (memory.copy (global.get $BLK) (i32.add (local.get $start) (i32.shl (local.get $b) (i32.const 6))) (local.get $blen))
    (local.set $counter (local.get $c))
    (local.set $flags (i32.or (i32.const 2) (i32.eqz (local.get $b))))
    ;; fold the pending output into the parents on the stack, top first
    (block $folded
      (loop $fold
        (br_if $folded (i32.eqz (local.get $sp)))
        (call $compress (global.get $CV) (global.get $BLK) (local.get $counter) (local.get $blen) (local.get $flags)
          (global.get $RCV))
        (local.set $sp (i32.sub (local.get $sp) (i32.const 1)))
        (memory.copy (global.get $BLK) (i32.add (global.get $STACK) (i32.shl (local.get $sp) (i32.const 5))) (i32.const 32))
        (memory.copy (i32.add (global.get $BLK) (i32.const 32)) (global.get $RCV) (i32.const 32))
        (memory.copy (global.get $CV) (global.get $IV) (i32.const 32))
        (local.set $counter (i32.const 0))
        (local.set $blen (i32.const 64))
        (local.set $flags (i32.const 4))
        (br $fold)))
    (call $compress (global.get $CV) (global.get $BLK) (local.get $counter) (local.get $blen)
      (i32.or (local.get $flags) (i32.const 8)) (local.get $out)))

  ;; Emits the lowercase hex Blake3 of [p, p+n).
  (func $emit_blake3_hex (param $p i32) (param $n i32)
    (local $i i32)
    (call $blake3 (local.get $p) (local.get $n) (global.get $HOUT))
    (loop $next
      (call $emit_hex_byte (i32.load8_u (i32.add (global.get $HOUT) (local.get $i))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $next (i32.lt_u (local.get $i) (i32.const 32)))))

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
  ;; Parsed fields; a length of -1 means absent.
  (global $op_ptr (mut i32) (i32.const 0))
  (global $op_len (mut i32) (i32.const -1))
  (global $key_ptr (mut i32) (i32.const 0))
  (global $key_len (mut i32) (i32.const -1))
  (global $data_ptr (mut i32) (i32.const 0))
  (global $data_len (mut i32) (i32.const -1))
  (global $op (mut i32) (i32.const 0))   ;; 1 put, 2 get, 3 list, 4 clear, 5 stats

  ;; Reads the whole input as the request object; 1 with op (and key, data) set, or 0 with the error set.
  (func $parse_request (result i32)
    (local $b i32)
    (local $kp i32)
    (local $kl i32)
    (local $r i32)
    (global.set $op_len (i32.const -1))
    (global.set $key_len (i32.const -1))
    (global.set $data_len (i32.const -1))
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
          (if (call $eq_cstr (local.get $kp) (local.get $kl) (global.get $F_OP))
            (then
              (if (i32.ge_s (global.get $op_len) (i32.const 0))
                (then (return (call $json_field_err (global.get $E_DUPLICATE_FIELD) (global.get $F_OP)))))
              (if (i32.eqz (call $field_string)) (then (return (i32.const 0))))
              (global.set $op_ptr (global.get $str_ptr))
              (global.set $op_len (global.get $str_len))
              (br $value_done)))
          (if (call $eq_cstr (local.get $kp) (local.get $kl) (global.get $F_KEY))
            (then
              (if (i32.ge_s (global.get $key_len) (i32.const 0))
                (then (return (call $json_field_err (global.get $E_DUPLICATE_FIELD) (global.get $F_KEY)))))
              (if (i32.eqz (call $field_string)) (then (return (i32.const 0))))
              (global.set $key_ptr (global.get $str_ptr))
              (global.set $key_len (global.get $str_len))
              (br $value_done)))
          (if (call $eq_cstr (local.get $kp) (local.get $kl) (global.get $F_DATA))
            (then
              (if (i32.ge_s (global.get $data_len) (i32.const 0))
                (then (return (call $json_field_err (global.get $E_DUPLICATE_FIELD) (global.get $F_DATA)))))
              (if (i32.eqz (call $field_string)) (then (return (i32.const 0))))
              (global.set $data_ptr (global.get $str_ptr))
              (global.set $data_len (global.get $str_len))
              (br $value_done)))
          ;; unknown field: skipped (its key string is freed with it)
          (global.set $heap (local.get $kp))
          (if (i32.eqz (call $skip_value (i32.const 1))) (then (return (i32.const 0)))))
        (local.set $r (call $object_next))
        (br_if $member (i32.eqz (local.get $r)))
        (if (i32.eq (local.get $r) (i32.const 2)) (then (return (i32.const 0))))))
    (call $skip_ws)
    (if (i32.lt_u (global.get $pos) (global.get $in_end)) (then (return (call $json_err (global.get $E_TRAILING)))))
    ;; the tag
    (if (i32.lt_s (global.get $op_len) (i32.const 0))
      (then (return (call $json_field_err (global.get $E_MISSING_FIELD) (global.get $F_OP)))))
    (global.set $op (i32.const 0))
    (if (call $eq_cstr (global.get $op_ptr) (global.get $op_len) (global.get $V_PUT)) (then (global.set $op (i32.const 1))))
    (if (call $eq_cstr (global.get $op_ptr) (global.get $op_len) (global.get $V_GET)) (then (global.set $op (i32.const 2))))
    (if (call $eq_cstr (global.get $op_ptr) (global.get $op_len) (global.get $V_LIST)) (then (global.set $op (i32.const 3))))
    (if (call $eq_cstr (global.get $op_ptr) (global.get $op_len) (global.get $V_CLEAR)) (then (global.set $op (i32.const 4))))
    (if (call $eq_cstr (global.get $op_ptr) (global.get $op_len) (global.get $V_STATS)) (then (global.set $op (i32.const 5))))
    (if (i32.eqz (global.get $op))
      (then
        (call $err_begin (global.get $E_INVALID_JSON))
        (call $emit_cstr (global.get $E_UNKNOWN_VARIANT))
        (call $emit_bytes (global.get $op_ptr) (global.get $op_len))
        (call $emit_cstr (global.get $E_VARIANTS))
        (call $emit_position)
        (return (call $err_end))))
    ;; the variant's fields
    (if (i32.le_u (global.get $op) (i32.const 2))
      (then
        (if (i32.lt_s (global.get $key_len) (i32.const 0))
          (then (return (call $json_field_err (global.get $E_MISSING_FIELD) (global.get $F_KEY)))))))
    (if (i32.eq (global.get $op) (i32.const 1))
      (then
        (if (i32.lt_s (global.get $data_len) (i32.const 0))
          (then (return (call $json_field_err (global.get $E_MISSING_FIELD) (global.get $F_DATA)))))))
    (i32.const 1))

  ;; ---------------------------------------------------------------- state
  (global $val_ptr (mut i32) (i32.const 0))
  (global $val_len (mut i32) (i32.const 0))
  (global $keys_ptr (mut i32) (i32.const 0))   ;; array of (ptr, len) pairs
  (global $keys_count (mut i32) (i32.const 0))

  ;; onvm_state_get with a 1024-byte buffer, retried with the size the host asks for, up to 5 attempts. 1 with
  ;; val_ptr/val_len, or 0 with "missing key" (missing or empty) or "unable to fetch value".
  (func $get_value (param $kp i32) (param $kl i32) (result i32)
    (local $cap i32)
    (local $try i32)
    (local $buf i32)
    (local $rc i32)
    (local.set $cap (i32.const 1024))
    (loop $attempt
      (if (i32.ge_u (local.get $try) (i32.const 5)) (then (return (call $fail (global.get $E_UNABLE)))))
      (local.set $buf (call $alloc (local.get $cap)))
      (local.set $rc (call $host_state_get (local.get $kp) (local.get $kl) (local.get $buf) (local.get $cap)))
      (if (i32.eqz (local.get $rc)) (then (return (call $fail (global.get $E_MISSING_KEY)))))
      (if (i32.gt_s (local.get $rc) (i32.const 0))
        (then
          (if (i32.le_u (local.get $rc) (local.get $cap))
            (then
              (global.set $val_ptr (local.get $buf))
              (global.set $val_len (local.get $rc))
              (return (i32.const 1))))
          (local.set $rc (i32.sub (i32.const 0) (local.get $rc)))))
      (if (i32.eq (local.get $rc) (i32.const 0x80000000)) (then (return (call $fail (global.get $E_UNABLE)))))
      (local.set $cap (i32.sub (i32.const 0) (local.get $rc)))
      (local.set $try (i32.add (local.get $try) (i32.const 1)))
      (br $attempt))
    (i32.const 0))

  ;; Loads the key index into keys_ptr/keys_count (a missing index is empty). 0 with the error set on a corrupt index.
  (func $load_keys (result i32)
    (local $p i32)
    (local $end i32)
    (local $seg i32)
    (local $n i32)
    (local $arr i32)
    (global.set $keys_count (i32.const 0))
    (if (i32.eqz (call $get_value (global.get $K_INDEX) (i32.const 6))) (then (return (i32.const 1))))
    (if (i32.eqz (call $b64_decode (global.get $val_ptr) (global.get $val_len) (global.get $E_DECODE_KEYS)))
      (then (return (i32.const 0))))
    (if (i32.eqz (call $utf8_check (global.get $str_ptr) (global.get $str_len)))
      (then
        (call $err_begin (global.get $E_UTF8_KEYS))
        (call $emit_utf8_error)
        (return (call $err_end))))
    ;; split on ',' dropping empty parts; at most len/2+1 parts
    (local.set $p (global.get $str_ptr))
    (local.set $end (i32.add (global.get $str_ptr) (global.get $str_len)))
    (local.set $arr (call $alloc (i32.add (i32.shl (global.get $str_len) (i32.const 2)) (i32.const 8))))
    (local.set $seg (local.get $p))
    (block $done
      (loop $next
        (if (i32.or (i32.ge_u (local.get $p) (local.get $end)) (i32.eq (i32.load8_u (local.get $p)) (i32.const 44)))
          (then
            (if (i32.gt_u (local.get $p) (local.get $seg))
              (then
                (i32.store (i32.add (local.get $arr) (i32.shl (local.get $n) (i32.const 3))) (local.get $seg))
                (i32.store offset=4 (i32.add (local.get $arr) (i32.shl (local.get $n) (i32.const 3)))
                  (i32.sub (local.get $p) (local.get $seg)))
                (local.set $n (i32.add (local.get $n) (i32.const 1)))))
            (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
            (local.set $seg (i32.add (local.get $p) (i32.const 1)))))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $next)))
    (global.set $keys_ptr (local.get $arr))
    (global.set $keys_count (local.get $n))
    (i32.const 1))

  (func $key_ptr_at (param $i i32) (result i32)
    (i32.load (i32.add (global.get $keys_ptr) (i32.shl (local.get $i) (i32.const 3)))))

  (func $key_len_at (param $i i32) (result i32)
    (i32.load offset=4 (i32.add (global.get $keys_ptr) (i32.shl (local.get $i) (i32.const 3)))))

  ;; "state put failed: <rc>" with an optional prefix; returns 0.
  (func $fail_put (param $prefix i32) (param $rc i32) (result i32)
    (call $err_begin (local.get $prefix))
    (call $emit_cstr (global.get $E_STATE_PUT_FAILED))
    (call $emit_i32 (local.get $rc))
    (call $err_end))

  ;; Adds a key to the index (sorted, no duplicates) and writes the index back.
  (func $index_add (param $kp i32) (param $kl i32) (result i32)
    (local $i i32)
    (local $at i32)
    (local $c i32)
    (local $joined i32)
    (local $jl i32)
    (local $enc i32)
    (local $el i32)
    (local $rc i32)
    (if (i32.eqz (call $load_keys)) (then (return (i32.const 0))))
    (local.set $at (global.get $keys_count))
    (block $scanned
      (loop $next
        (br_if $scanned (i32.ge_u (local.get $i) (global.get $keys_count)))
        (local.set $c (call $compare (call $key_ptr_at (local.get $i)) (call $key_len_at (local.get $i))
                                     (local.get $kp) (local.get $kl)))
        (if (i32.eqz (local.get $c)) (then (return (i32.const 1))))
        (if (i32.and (i32.gt_s (local.get $c) (i32.const 0)) (i32.eq (local.get $at) (global.get $keys_count)))
          (then (local.set $at (local.get $i))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    ;; join with the new key inserted at `at`
    (call $out_begin)
    (local.set $i (i32.const 0))
    (block $joined_all
      (loop $next
        (br_if $joined_all (i32.gt_u (local.get $i) (global.get $keys_count)))
        (if (local.get $i) (then (call $emit_byte (i32.const 44))))
        (if (i32.eq (local.get $i) (local.get $at))
          (then (call $emit_bytes (local.get $kp) (local.get $kl)))
          (else
            (if (i32.lt_u (local.get $i) (local.get $at))
              (then (call $emit_bytes (call $key_ptr_at (local.get $i)) (call $key_len_at (local.get $i))))
              (else (call $emit_bytes (call $key_ptr_at (i32.sub (local.get $i) (i32.const 1)))
                                      (call $key_len_at (i32.sub (local.get $i) (i32.const 1))))))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.set $jl (i32.sub (global.get $out_end) (global.get $out_start)))
    (local.set $joined (call $out_finish))
    (call $out_begin)
    (call $emit_b64 (local.get $joined) (local.get $jl))
    (local.set $el (i32.sub (global.get $out_end) (global.get $out_start)))
    (local.set $enc (call $out_finish))
    (local.set $rc (call $host_state_put (global.get $K_INDEX) (i32.const 6) (local.get $enc) (local.get $el)))
    (if (local.get $rc) (then (return (call $fail_put (i32.add (global.get $E_DOT) (i32.const 1)) (local.get $rc)))))
    (i32.const 1))

  ;; Fetches the value of every indexed key into an array of (ptr, len) pairs, len -1 when the read failed.
  (func $load_values (result i32)
    (local $arr i32)
    (local $i i32)
    (local $slot i32)
    (local.set $arr (call $alloc (i32.shl (global.get $keys_count) (i32.const 3))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (global.get $keys_count)))
        (local.set $slot (i32.add (local.get $arr) (i32.shl (local.get $i) (i32.const 3))))
        (if (call $get_value (call $key_ptr_at (local.get $i)) (call $key_len_at (local.get $i)))
          (then
            (i32.store (local.get $slot) (global.get $val_ptr))
            (i32.store offset=4 (local.get $slot) (global.get $val_len)))
          (else (i32.store offset=4 (local.get $slot) (i32.const -1))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $arr))

  ;; ---------------------------------------------------------------- operations
  ;; Each returns 1 with the response in res_ptr/res_len, or 0 with the error set.
  (global $res_ptr (mut i32) (i32.const 0))
  (global $res_len (mut i32) (i32.const 0))

  (func $finish_response (result i32)
    (global.set $res_len (i32.sub (global.get $out_end) (global.get $out_start)))
    (global.set $res_ptr (call $out_finish))
    (i32.const 1))

  (func $op_put (result i32)
    (local $i i32)
    (local $vp i32)
    (local $vl i32)
    (local $rc i32)
    (block $ok
      (loop $next
        (br_if $ok (i32.ge_u (local.get $i) (global.get $key_len)))
        (if (i32.eq (i32.load8_u (i32.add (global.get $key_ptr) (local.get $i))) (i32.const 44))
          (then (return (call $fail (global.get $E_COMMA)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (if (i32.eqz (call $b64_decode (global.get $data_ptr) (global.get $data_len) (global.get $E_B64)))
      (then (return (i32.const 0))))
    (local.set $vp (global.get $str_ptr))
    (local.set $vl (global.get $str_len))
    (local.set $rc (call $host_state_put (global.get $key_ptr) (global.get $key_len) (local.get $vp) (local.get $vl)))
    (if (local.get $rc) (then (return (call $fail_put (global.get $E_STATE_PUT) (local.get $rc)))))
    (if (i32.eqz (call $index_add (global.get $key_ptr) (global.get $key_len))) (then (return (i32.const 0))))
    (call $out_begin)
    (call $emit_cstr (global.get $S_OKPUT))
    (call $emit_json_str (global.get $key_ptr) (global.get $key_len))
    (call $emit_cstr (global.get $S_SIZE))
    (call $emit_u32 (local.get $vl))
    (call $emit_cstr (global.get $S_CHECKSUM))
    (call $emit_blake3_hex (local.get $vp) (local.get $vl))
    (call $emit_cstr (global.get $S_QEND))
    (call $finish_response))

  (func $op_get (result i32)
    (if (i32.eqz (call $get_value (global.get $key_ptr) (global.get $key_len))) (then (return (i32.const 0))))
    (call $out_begin)
    (call $emit_cstr (global.get $S_OKGET))
    (call $emit_json_str (global.get $key_ptr) (global.get $key_len))
    (call $emit_cstr (global.get $S_SIZE))
    (call $emit_u32 (global.get $val_len))
    (call $emit_cstr (global.get $S_CHECKSUM))
    (call $emit_blake3_hex (global.get $val_ptr) (global.get $val_len))
    (call $emit_cstr (global.get $S_DATA))
    (call $emit_b64 (global.get $val_ptr) (global.get $val_len))
    (call $emit_cstr (global.get $S_QEND))
    (call $finish_response))

  (func $op_list (result i32)
    (local $vals i32)
    (local $i i32)
    (local $slot i32)
    (local $first i32)
    (if (i32.eqz (call $load_keys)) (then (return (i32.const 0))))
    (local.set $vals (call $load_values))
    (local.set $first (i32.const 1))
    (call $out_begin)
    (call $emit_cstr (global.get $S_OKLIST))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (global.get $keys_count)))
        (local.set $slot (i32.add (local.get $vals) (i32.shl (local.get $i) (i32.const 3))))
        (if (i32.ge_s (i32.load offset=4 (local.get $slot)) (i32.const 0))
          (then
            (if (i32.eqz (local.get $first)) (then (call $emit_byte (i32.const 44))))
            (local.set $first (i32.const 0))
            (call $emit_cstr (global.get $S_ENTRY_KEY))
            (call $emit_json_str (call $key_ptr_at (local.get $i)) (call $key_len_at (local.get $i)))
            (call $emit_cstr (global.get $S_SIZE))
            (call $emit_u32 (i32.load offset=4 (local.get $slot)))
            (call $emit_cstr (global.get $S_CHECKSUM))
            (call $emit_blake3_hex (i32.load (local.get $slot)) (i32.load offset=4 (local.get $slot)))
            (call $emit_cstr (global.get $S_QEND))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (call $emit_cstr (global.get $S_LIST_END))
    (call $finish_response))

  (func $op_clear (result i32)
    (local $i i32)
    (local $rc i32)
    (if (i32.eqz (call $load_keys)) (then (return (i32.const 0))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (global.get $keys_count)))
        (drop (call $host_state_put (call $key_ptr_at (local.get $i)) (call $key_len_at (local.get $i))
                                    (global.get $heap) (i32.const 0)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.set $rc (call $host_state_put (global.get $K_INDEX) (i32.const 6) (global.get $heap) (i32.const 0)))
    (if (local.get $rc) (then (return (call $fail_put (i32.add (global.get $E_DOT) (i32.const 1)) (local.get $rc)))))
    (call $out_begin)
    (call $emit_cstr (global.get $S_OKCLEAR))
    (call $emit_u32 (global.get $keys_count))
    (call $emit_cstr (global.get $S_BRACE))
    (call $finish_response))

  (func $op_stats (result i32)
    (local $vals i32)
    (local $i i32)
    (local $slot i32)
    (local $total i32)
    (local $cp i32)
    (local $cl i32)
    (if (i32.eqz (call $load_keys)) (then (return (i32.const 0))))
    (local.set $vals (call $load_values))
    (call $out_begin)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (global.get $keys_count)))
        (local.set $slot (i32.add (local.get $vals) (i32.shl (local.get $i) (i32.const 3))))
        (if (i32.ge_s (i32.load offset=4 (local.get $slot)) (i32.const 0))
          (then
            (local.set $total (i32.add (local.get $total) (i32.load offset=4 (local.get $slot))))
            (call $emit_bytes (call $key_ptr_at (local.get $i)) (call $key_len_at (local.get $i)))
            (call $emit_bytes (i32.load (local.get $slot)) (i32.load offset=4 (local.get $slot)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.set $cl (i32.sub (global.get $out_end) (global.get $out_start)))
    (local.set $cp (call $out_finish))
    (call $out_begin)
    (call $emit_cstr (global.get $S_OKSTATS))
    (call $emit_u32 (global.get $keys_count))
    (call $emit_cstr (global.get $S_TOTAL_BYTES))
    (call $emit_u32 (local.get $total))
    (call $emit_cstr (global.get $S_CHECKSUM))
    (call $emit_blake3_hex (local.get $cp) (local.get $cl))
    (call $emit_cstr (global.get $S_QEND))
    (call $finish_response))

  ;; ---------------------------------------------------------------- entrypoint
  (func (export "onvm_main") (param $in_ptr i32) (param $in_len i32) (result i32 i32)
    (local $ok i32)
    (local $top i32)
    ;; the heap starts above the module's data and above the input
    (local.set $top (i32.and (i32.add (i32.add (local.get $in_ptr) (local.get $in_len)) (i32.const 7)) (i32.const -8)))
    (global.set $heap (global.get $HEAP_BASE))
    (if (i32.gt_u (local.get $top) (global.get $heap)) (then (global.set $heap (local.get $top))))
    (call $ensure (global.get $heap))
    (global.set $in_start (local.get $in_ptr))
    (global.set $in_end (i32.add (local.get $in_ptr) (local.get $in_len)))
    (global.set $pos (local.get $in_ptr))
    (if (call $utf8_check (local.get $in_ptr) (local.get $in_len))
      (then (local.set $ok (call $parse_request)))
      (else
        (global.set $pos (i32.add (local.get $in_ptr) (global.get $utf8_bad_index)))
        (drop (call $json_err (global.get $E_INVALID_UNICODE)))))
    (if (local.get $ok)
      (then
        (block $dispatched
          (if (i32.eq (global.get $op) (i32.const 1)) (then (local.set $ok (call $op_put)) (br $dispatched)))
          (if (i32.eq (global.get $op) (i32.const 2)) (then (local.set $ok (call $op_get)) (br $dispatched)))
          (if (i32.eq (global.get $op) (i32.const 3)) (then (local.set $ok (call $op_list)) (br $dispatched)))
          (if (i32.eq (global.get $op) (i32.const 4)) (then (local.set $ok (call $op_clear)) (br $dispatched)))
          (local.set $ok (call $op_stats)))))
    (if (i32.eqz (local.get $ok))
      (then
        (call $out_begin)
        (call $emit_cstr (global.get $S_ERR))
        (call $emit_json_str (global.get $err_ptr) (global.get $err_len))
        (call $emit_cstr (global.get $S_BRACE))
        (drop (call $finish_response))))
    (global.get $res_ptr)
    (global.get $res_len))
)
