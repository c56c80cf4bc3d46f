#!/usr/bin/env bash
# Rebuilds every WebAssembly text module of the repository into a .wasm beside it, with Debian's wat2wasm
# (wabt 1.0.32; `apt-get install wabt`). Commit the .wat and the .wasm together: a test
# (tests/Grains.Tests/Samples/SampleModuleBuildTests) checks that each committed .wasm is exactly what wat2wasm
# makes from its .wat.
#
# Also rebuilds the C sample programs for wasm32-wasi with Debian's clang-14 (`apt-get install clang-14 lld-14
# wasi-libc libclang-rt-14-dev-wasm32`); tests/Grains.Tests/Execution/Wasi/WordcountBuildTests checks the committed
# .wasm against a fresh build with the same flags.
#
# Built: the sample programs listed below, plus every tests/**/Modules/*.wat (test modules of other parts).
# Usage: programs/build.sh [--check]   (--check: rebuild into a temp folder and report differences, change nothing)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

command -v wat2wasm >/dev/null 2>&1 || { echo "wat2wasm not found: apt-get install wabt" >&2; exit 2; }

# The sample programs (keep in step with programs/README.md).
modules=(
  programs/echo/echo.wat
  programs/kvstore/kvstore.wat
  programs/job-test/job-test.wat
  programs/counter/counter.wat
)
# Test modules of other parts: tests/<project>/**/Modules/*.wat
while IFS= read -r -d '' f; do modules+=("$f"); done < <(find tests -path '*/Modules/*.wat' -print0 | sort -z)

check=0
[[ "${1:-}" == "--check" ]] && check=1
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

status=0
for wat in "${modules[@]}"; do
  wasm="${wat%.wat}.wasm"
  out="$tmp/out.wasm"
  wat2wasm "$wat" -o "$out"
  if [[ $check -eq 1 ]]; then
    if cmp -s "$out" "$wasm"; then echo "ok       $wasm"; else echo "DIFFERS  $wasm"; status=1; fi
  else
    cp "$out" "$wasm"
    printf '%-60s %7d bytes\n' "$wasm" "$(stat -c %s "$wasm")"
  fi
done

# The C sample programs (WASI commands, run by grains/Execution/Wasi). Keep the flags in step with
# tests/Grains.Tests/Execution/Wasi/WordcountBuildTests.
c_programs=(
  programs/wordcount/wordcount.c
)
wasi_cflags=(--target=wasm32-wasi -O2 -fuse-ld=lld -Wl,--strip-all)
command -v clang-14 >/dev/null 2>&1 || { echo "clang-14 not found: apt-get install clang-14 lld-14 wasi-libc libclang-rt-14-dev-wasm32" >&2; exit 2; }
for c in "${c_programs[@]}"; do
  wasm="${c%.c}.wasm"
  out="$tmp/out.wasm"
  clang-14 "${wasi_cflags[@]}" -o "$out" "$c"
  if [[ $check -eq 1 ]]; then
    if cmp -s "$out" "$wasm"; then echo "ok       $wasm"; else echo "DIFFERS  $wasm"; status=1; fi
  else
    cp "$out" "$wasm"
    printf '%-60s %7d bytes\n' "$wasm" "$(stat -c %s "$wasm")"
  fi
done
exit $status
