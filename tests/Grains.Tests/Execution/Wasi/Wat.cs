namespace Marketplace.Grains.Tests.Execution.Wasi;

/// <summary>Hand-written WASI test modules: a prelude importing the functions the tests call, one page of memory and
/// two helpers, followed by the test's own <c>_start</c>.</summary>
/// <remarks>Helpers: <c>$write(fd, ptr, len) -&gt; errno</c> writes one buffer through an iovec at address 0
/// (nwritten at 8); <c>$emit(value)</c> writes the low byte of value to stdout (through address 16). Addresses from
/// 1024 up are free for the test.</remarks>
internal static class Wat
{
    private const string Prelude = """
        (module
          (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
          (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
          (import "wasi_snapshot_preview1" "fd_close" (func $fd_close (param i32) (result i32)))
          (import "wasi_snapshot_preview1" "fd_seek" (func $fd_seek (param i32 i64 i32 i32) (result i32)))
          (import "wasi_snapshot_preview1" "fd_fdstat_get" (func $fd_fdstat_get (param i32 i32) (result i32)))
          (import "wasi_snapshot_preview1" "fd_prestat_get" (func $fd_prestat_get (param i32 i32) (result i32)))
          (import "wasi_snapshot_preview1" "fd_pread" (func $fd_pread (param i32 i32 i32 i64 i32) (result i32)))
          (import "wasi_snapshot_preview1" "fd_sync" (func $fd_sync (param i32) (result i32)))
          (import "wasi_snapshot_preview1" "path_open" (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
          (import "wasi_snapshot_preview1" "args_sizes_get" (func $args_sizes_get (param i32 i32) (result i32)))
          (import "wasi_snapshot_preview1" "args_get" (func $args_get (param i32 i32) (result i32)))
          (import "wasi_snapshot_preview1" "environ_sizes_get" (func $environ_sizes_get (param i32 i32) (result i32)))
          (import "wasi_snapshot_preview1" "environ_get" (func $environ_get (param i32 i32) (result i32)))
          (import "wasi_snapshot_preview1" "clock_time_get" (func $clock_time_get (param i32 i64 i32) (result i32)))
          (import "wasi_snapshot_preview1" "clock_res_get" (func $clock_res_get (param i32 i32) (result i32)))
          (import "wasi_snapshot_preview1" "random_get" (func $random_get (param i32 i32) (result i32)))
          (import "wasi_snapshot_preview1" "poll_oneoff" (func $poll_oneoff (param i32 i32 i32 i32) (result i32)))
          (import "wasi_snapshot_preview1" "sched_yield" (func $sched_yield (result i32)))
          (import "wasi_snapshot_preview1" "proc_raise" (func $proc_raise (param i32) (result i32)))
          (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
          (memory (export "memory") 1)
          (func $write (param $fd i32) (param $ptr i32) (param $len i32) (result i32)
            (i32.store (i32.const 0) (local.get $ptr))
            (i32.store (i32.const 4) (local.get $len))
            (call $fd_write (local.get $fd) (i32.const 0) (i32.const 1) (i32.const 8)))
          (func $emit (param $value i32)
            (i32.store8 (i32.const 16) (local.get $value))
            (drop (call $write (i32.const 1) (i32.const 16) (i32.const 1))))
        """;

    /// <summary>The prelude, then <paramref name="body"/> (which defines the exported <c>_start</c>), then the closing
    /// parenthesis.</summary>
    public static string Module(string body) => Prelude + "\n" + body + "\n)";

    /// <summary>A module whose <c>_start</c> runs <paramref name="instructions"/>.</summary>
    public static string Start(string instructions) => Module($"(func (export \"_start\")\n{instructions}\n)");
}
