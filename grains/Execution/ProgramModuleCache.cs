// Design note: a module is compiled once per silo and kept under the key SHA-256(wasm) + the engine's configuration
// digest (which includes the Wasmtime version), so the same bytes deployed twice share one compiled module and a
// module compiled under other settings is never reused. The memory bound is a count (ModuleCacheCapacity) with
// least-recently-used eviction; each module's wasm is at most MaxModuleBytes, so the compiled code is bounded too.
// An evicted module is not disposed: runs may still hold it, and Wasmtime frees its code once the last store using it
// is gone and the handle is collected.
//
// Compiling is native work that cannot be cancelled. It runs on a thread of its own and the caller waits at most
// MaxCompileMs: a module over the bound is rejected with ModuleCompileTimeoutException while its compile finishes in
// the background and is dropped. At most MaxAbandonedCompiles such compiles may be running at once; past that, new
// compiles are refused the same way until one ends, so slow modules cannot pile up threads.
//
// The optional disk cache (ModuleCacheDirectory) keeps Module.Serialize output in the silo's own directory, in files
// named by the key whose header repeats the wasm hash and the configuration digest and carries the SHA-256 of the
// serialized bytes. Module.Deserialize trusts its input (it maps native code), so a file is loaded only when every
// header field matches; bytes from a client never reach Deserialize.

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.ExceptionServices;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Wasmtime;

namespace Marketplace.Grains.Execution;

/// <summary>Compiles program modules once per silo and keeps a bounded number of them (see the design note).</summary>
internal sealed partial class ProgramModuleCache
{
    /// <summary>Compiles over the time bound that may still be running before new compiles are refused.</summary>
    public const int MaxAbandonedCompiles = 2;

    private static readonly byte[] FileMagic = "MKTCWASM"u8.ToArray();
    private const int HeaderBytes = 8 + 32 + 32 + 32;

    private readonly SandboxEngine _engine;
    private readonly int _capacity;
    private readonly TimeSpan _maxCompile;
    private readonly string? _directory;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, Entry> _modules = new(StringComparer.Ordinal);
    private readonly object _evictGate = new();
    private long _clock;
    private int _abandoned;
    private long _compiles;
    private long _diskLoads;

    /// <summary>Creates the cache for the silo's engine.</summary>
    public ProgramModuleCache(SandboxEngine engine, IOptions<ProgramOptions> options, ILogger<ProgramModuleCache>? logger = null)
    {
        _engine = engine;
        var o = options.Value;
        _capacity = Math.Max(1, o.ModuleCacheCapacity);
        _maxCompile = TimeSpan.FromMilliseconds(Math.Max(1, o.MaxCompileMs));
        _directory = string.IsNullOrWhiteSpace(o.ModuleCacheDirectory) ? null : o.ModuleCacheDirectory;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        if (_directory is not null)
        {
            Directory.CreateDirectory(_directory);
        }
    }

    /// <summary>The engine modules are compiled with.</summary>
    public SandboxEngine Engine => _engine;

    /// <summary>Modules compiled from wasm so far (not counting cache hits or disk loads).</summary>
    public long Compiles => Interlocked.Read(ref _compiles);

    /// <summary>Modules loaded from the disk cache so far.</summary>
    public long DiskLoads => Interlocked.Read(ref _diskLoads);

    /// <summary>Modules held in memory now.</summary>
    public int Count => _modules.Count;


    /// <summary>The compiled module of <paramref name="wasm"/>, compiling (or loading from disk) on a miss.</summary>
    /// <param name="wasm">The module bytes.</param>
    /// <param name="sha256">SHA-256 of <paramref name="wasm"/> when the caller already computed it from these very
    /// bytes (the runner hashes once per program load); computed here otherwise.</param>
    /// <exception cref="WasmtimeException">The module does not validate or compile.</exception>
    /// <exception cref="ModuleCompileTimeoutException">Compiling took longer than the bound.</exception>
    public CompiledModule Get(byte[] wasm, byte[]? sha256 = null)
    {
        ArgumentNullException.ThrowIfNull(wasm);
        var hash = sha256 ?? SHA256.HashData(wasm);
        var key = Convert.ToHexStringLower(hash) + "-" + _engine.ConfigurationDigest;
        if (_modules.TryGetValue(key, out var entry))
        {
            entry.LastUsed = Interlocked.Increment(ref _clock);
            return entry.Module;
        }

        var module = LoadFromDisk(key, hash) ?? Compile(key, hash, wasm);
        entry = _modules.GetOrAdd(key, new Entry(module) { LastUsed = Interlocked.Increment(ref _clock) });
        if (_modules.Count > _capacity)
        {
            Evict();
        }

        return entry.Module;
    }

    private CompiledModule Compile(string key, byte[] hash, byte[] wasm)
    {
        if (Volatile.Read(ref _abandoned) >= MaxAbandonedCompiles)
        {
            throw new ModuleCompileTimeoutException((long)_maxCompile.TotalMilliseconds);
        }

        var started = Stopwatch.GetTimestamp();
        var compile = new CompileJob(_engine.Engine, wasm);
        var thread = new Thread(compile.Run, SandboxThreads.StackBytes) { IsBackground = true, Name = "marketplace-compile" };
        thread.Start();
        if (!compile.Done.Wait(_maxCompile))
        {
            Interlocked.Increment(ref _abandoned);
            compile.Abandon(() => Interlocked.Decrement(ref _abandoned));
            LogCompileTimeout(_logger, Convert.ToHexStringLower(hash), wasm.Length, (long)_maxCompile.TotalMilliseconds);
            throw new ModuleCompileTimeoutException((long)_maxCompile.TotalMilliseconds);
        }

        var module = compile.Result();
        Interlocked.Increment(ref _compiles);
        var compiled = CompiledModule.From(module, key);
        LogCompiled(_logger, key[..16], wasm.Length, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        SaveToDisk(key, hash, module);
        return compiled;
    }

    private CompiledModule? LoadFromDisk(string key, byte[] hash)
    {
        if (_directory is null)
        {
            return null;
        }

        var path = Path.Combine(_directory, key + ".cwasm");
        byte[] file;
        try
        {
            file = File.ReadAllBytes(path);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (IOException e)
        {
            LogDiskCacheFailure(_logger, e, path);
            return null;
        }

        var digest = Convert.FromHexString(_engine.ConfigurationDigest);
        var payload = file.AsSpan(Math.Min(file.Length, HeaderBytes));
        if (file.Length <= HeaderBytes
            || !file.AsSpan(0, 8).SequenceEqual(FileMagic)
            || !file.AsSpan(8, 32).SequenceEqual(hash)
            || !file.AsSpan(40, 32).SequenceEqual(digest)
            || !file.AsSpan(72, 32).SequenceEqual(SHA256.HashData(payload)))
        {
            LogDiskCacheRejected(_logger, path);
            TryDelete(path);
            return null;
        }

        try
        {
            var module = Module.Deserialize(_engine.Engine, key, payload);
            Interlocked.Increment(ref _diskLoads);
            return CompiledModule.From(module, key);
        }
        catch (WasmtimeException e)
        {
            LogDiskCacheFailure(_logger, e, path);
            TryDelete(path);
            return null;
        }
    }

    private void SaveToDisk(string key, byte[] hash, Module module)
    {
        if (_directory is null)
        {
            return;
        }

        var path = Path.Combine(_directory, key + ".cwasm");
        var temporary = path + "." + Environment.ProcessId + "." + Environment.CurrentManagedThreadId + ".tmp";
        try
        {
            var payload = module.Serialize();
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write))
            {
                stream.Write(FileMagic);
                stream.Write(hash);
                stream.Write(Convert.FromHexString(_engine.ConfigurationDigest));
                stream.Write(SHA256.HashData(payload));
                stream.Write(payload);
            }

            File.Move(temporary, path, overwrite: true);
        }
        catch (IOException e)
        {
            LogDiskCacheFailure(_logger, e, path);
            TryDelete(temporary);
        }
        catch (UnauthorizedAccessException e)
        {
            LogDiskCacheFailure(_logger, e, path);
            TryDelete(temporary);
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Best effort: a file we cannot delete is checked again (and rejected again) on the next load.
        }
        catch (UnauthorizedAccessException)
        {
            // As above.
        }
    }

    private void Evict()
    {
        lock (_evictGate)
        {
            while (_modules.Count > _capacity)
            {
                string? oldest = null;
                var oldestUse = long.MaxValue;
                foreach (var (key, entry) in _modules)
                {
                    if (entry.LastUsed < oldestUse)
                    {
                        oldestUse = entry.LastUsed;
                        oldest = key;
                    }
                }

                if (oldest is null || !_modules.TryRemove(oldest, out _))
                {
                    return;
                }
            }
        }
    }

    [LoggerMessage(EventId = MarketplaceEventIds.ModuleCompiled, Level = LogLevel.Debug, Message = "Compiled module {Key} ({Bytes} bytes of wasm) in {Milliseconds} ms")]
    private static partial void LogCompiled(ILogger logger, string key, int bytes, double milliseconds);

    [LoggerMessage(EventId = MarketplaceEventIds.ModuleCompileTooSlow, Level = LogLevel.Warning, Message = "Compiling module {Hash} ({Bytes} bytes of wasm) took longer than {LimitMs} ms; rejected")]
    private static partial void LogCompileTimeout(ILogger logger, string hash, int bytes, long limitMs);

    [LoggerMessage(EventId = MarketplaceEventIds.ModuleDiskCacheUnusable, Level = LogLevel.Warning, Message = "The compiled-module disk cache could not use {Path}")]
    private static partial void LogDiskCacheFailure(ILogger logger, Exception exception, string path);

    [LoggerMessage(EventId = MarketplaceEventIds.ModuleDiskCacheEntryMismatch, Level = LogLevel.Warning, Message = "The compiled-module file {Path} does not match its key; deleted")]
    private static partial void LogDiskCacheRejected(ILogger logger, string path);

    private sealed class Entry(CompiledModule module)
    {
        public CompiledModule Module { get; } = module;

        public long LastUsed { get; set; }
    }

    /// <summary>One compile on its own thread; its result is dropped when the waiter gave up.</summary>
    private sealed class CompileJob(Engine engine, byte[] wasm)
    {
        private readonly object _gate = new();
        private Module? _module;
        private Exception? _error;
        private Action? _onAbandonedEnd;
        private bool _abandoned;

        public ManualResetEventSlim Done { get; } = new();

        public void Run()
        {
            Module? module = null;
            Exception? error = null;
            try
            {
                module = Module.FromBytes(engine, "program", wasm);
            }
            catch (WasmtimeException e)
            {
                // Not swallowed: Result() rethrows it to the waiting caller.
                error = e;
            }
            catch (ObjectDisposedException e)
            {
                // The silo is stopping and disposed the engine before this thread started to compile: the waiter
                // hears it from Result(); thrown here, on a thread of its own, it would end the process.
                error = e;
            }

            lock (_gate)
            {
                _module = module;
                _error = error;
                Done.Set();
                if (_abandoned)
                {
                    _module?.Dispose();
                    _onAbandonedEnd?.Invoke();
                }
            }
        }

        public void Abandon(Action onEnd)
        {
            lock (_gate)
            {
                if (Done.IsSet)
                {
                    _module?.Dispose();
                    onEnd();
                    return;
                }

                _abandoned = true;
                _onAbandonedEnd = onEnd;
            }
        }

        public Module Result()
        {
            Done.Dispose();
            if (_error is not null)
            {
                ExceptionDispatchInfo.Throw(_error);
            }

            return _module!;
        }
    }
}
