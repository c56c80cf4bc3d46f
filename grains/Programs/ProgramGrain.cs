// Design note: deploy runs the cheap checks first (sizes, id, manifest syntax and limits, signature), then the
// module checks (Wasmtime validates it, then compiles it within the compile-time bound, warming the runner's cache;
// the ABI is recognised from the imports; ONVM: exports, entrypoint shape, imports against the host-function table;
// WASI: WasiPreview1.Check, whose messages name each unsupported import or missing export), then the blob refs (one
// grain call each), then adds the name to the catalog's index and registers with the name's grain (which owns the
// ownership and name@version rules) before saving, so a refused registration leaves no program behind; an index entry
// whose registration failed lists no version.
// Each failure is one ProgramRejectedException whose message starts with the part that failed.

using System.Security.Cryptography;
using Marketplace.GrainInterfaces;
using Marketplace.Grains.Execution;
using Marketplace.Grains.Execution.Wasi;
using Microsoft.Extensions.Options;
using Wasmtime;

namespace Marketplace.Grains.Programs;

/// <summary>The persisted state of a deployed program.</summary>
[GenerateSerializer]
[Alias("marketplace.program-record")]
internal sealed class ProgramRecord
{
    /// <summary>The info, or null when nothing is deployed.</summary>
    [Id(0)]
    public ProgramInfo? Info { get; set; }

    /// <summary>The module bytes.</summary>
    [Id(1)]
    public byte[] Wasm { get; set; } = [];

    /// <summary>The deploy digest of the accepted deployment (idempotent redeploys compare it), hex.</summary>
    [Id(2)]
    public string Digest { get; set; } = "";
}

/// <summary>One deployed program (key = program id).</summary>
internal sealed class ProgramGrain(
    [PersistentState("program")] IPersistentState<ProgramRecord> record,
    ProgramModuleCache modules,
    IOptions<ProgramOptions> options) : Grain, IProgramGrain
{
    private readonly ProgramOptions _options = options.Value;
    private readonly AbsentResourceRetirement _absent = new();

    /// <inheritdoc />
    public async Task<ProgramInfo> DeployAsync(ProgramDeployment deployment, BlobCaller client)
    {
        ArgumentNullException.ThrowIfNull(client);
        if (deployment?.Wasm is null || deployment.Manifest is null)
        {
            throw new ProgramRejectedException("deployment: module and manifest are required");
        }

        var wasm = deployment.Wasm;
        var manifest = deployment.Manifest;
        if (wasm.Length == 0)
        {
            throw new ProgramRejectedException("module: empty");
        }

        if (wasm.Length > _options.MaxModuleBytes)
        {
            throw new ProgramRejectedException($"module: {wasm.Length} bytes exceeds the limit of {_options.MaxModuleBytes} bytes");
        }

        string id;
        try
        {
            id = ProgramDeployments.ComputeProgramId(wasm, manifest.Salt);
        }
        catch (InvalidRequestException e)
        {
            throw new ProgramRejectedException(e.Message);
        }

        var key = this.GetPrimaryKeyString();
        if (!string.Equals(id, key, StringComparison.Ordinal))
        {
            throw new ProgramRejectedException($"program id: the module and salt hash to {id}, not {key}");
        }

        var digest = Convert.ToHexStringLower(ProgramDeployments.ComputeDigest(wasm, manifest));
        if (record.State.Info is { } existing)
        {
            if (digest == record.State.Digest)
            {
                return existing;
            }

            throw new ProgramRejectedException($"program id: {id} is already deployed with a different manifest");
        }

        CheckManifest(manifest);
        var deployer = ProgramDeployments.RecoverDeployer(deployment);
        var (abi, shape, imports) = CheckModule(wasm, manifest);
        var blobRefs = await CheckBlobRefsAsync(manifest.BlobRefs, client);

        var stored = CopyManifest(manifest);
        stored.BlobRefs = blobRefs;
        var info = new ProgramInfo
        {
            Id = id,
            Manifest = stored,
            Deployer = deployer,
            ModuleSize = wasm.Length,
            ModuleHash = Convert.ToHexStringLower(SHA256.HashData(wasm)),
            EntrypointShape = shape,
            Imports = imports,
            DeployedAt = DateTimeOffset.UtcNow,
            Abi = abi,
        };

        var nameKey = ProgramNames.Normalize(stored.Name)!;
        await GrainFactory.GetGrain<IProgramCatalogGrain>(IProgramCatalogGrain.DefaultKey).AddNameAsync(nameKey);
        await GrainFactory.GetGrain<IProgramNameGrain>(nameKey).RegisterAsync(info);
        record.State = new ProgramRecord { Info = info, Wasm = wasm, Digest = digest };
        await record.WriteStateAsync();
        return info;
    }

    /// <inheritdoc />
    public Task<ProgramInfo?> GetInfoAsync()
    {
        LeaveUnlessDeployed();
        return Task.FromResult(record.State.Info);
    }

    /// <inheritdoc />
    public Task<byte[]> GetModuleAsync()
    {
        LeaveUnlessDeployed();
        return record.State.Info is null
            ? throw new ProgramNotFoundException($"program {this.GetPrimaryKeyString()} is not deployed")
            : Task.FromResult(record.State.Wasm);
    }

    /// <summary>A read of a program that is not deployed must not keep an activation in memory.</summary>
    private void LeaveUnlessDeployed()
    {
        if (record.State.Info is null)
        {
            _absent.Schedule(this, () => record.State.Info is null, DeactivateOnIdle);
        }
    }

    private void CheckManifest(ProgramManifest manifest)
    {
        if (!ProgramNames.IsValid(manifest.Name))
        {
            throw new ProgramRejectedException(
                $"manifest name: '{manifest.Name}' must be 1-64 letters, digits, '-', '_' or '.', starting with a letter or digit");
        }

        if (SemanticVersion.TryParse(manifest.Version) is null)
        {
            throw new ProgramRejectedException($"manifest version: '{manifest.Version}' is not a semantic version such as 1.2.0");
        }

        if (string.IsNullOrEmpty(manifest.Entrypoint) || manifest.Entrypoint.Length > 128)
        {
            throw new ProgramRejectedException("manifest entrypoint: must be 1-128 characters");
        }

        if (manifest.MaxFuel <= 0 || manifest.MaxFuel > _options.MaxFuel)
        {
            throw new ProgramRejectedException(
                $"limits: max fuel {manifest.MaxFuel} is outside 1..{_options.MaxFuel} (the silo maximum)");
        }

        if (manifest.MaxMemoryBytes < Memory.PageSize || manifest.MaxMemoryBytes > _options.MaxMemoryBytes)
        {
            throw new ProgramRejectedException(
                $"limits: max memory {manifest.MaxMemoryBytes} bytes is outside {Memory.PageSize}..{_options.MaxMemoryBytes} (the silo maximum)");
        }

        if (manifest.TimeoutMs <= 0 || manifest.TimeoutMs > _options.MaxTimeoutMs)
        {
            throw new ProgramRejectedException(
                $"limits: timeout {manifest.TimeoutMs} ms is outside 1..{_options.MaxTimeoutMs} (the silo maximum)");
        }

        var capabilities = manifest.Capabilities ?? [];
        foreach (var capability in capabilities)
        {
            if (capability is null || !OnvmImports.Capabilities.Contains(capability))
            {
                throw new ProgramRejectedException(
                    $"manifest capabilities: unknown capability '{capability}' (known: {string.Join(", ", OnvmImports.Capabilities)})");
            }
        }

        if (capabilities.Distinct(StringComparer.Ordinal).Count() != capabilities.Count)
        {
            throw new ProgramRejectedException("manifest capabilities: a capability is listed twice");
        }

        if ((manifest.BlobRefs?.Count ?? 0) > 64)
        {
            throw new ProgramRejectedException("manifest blob refs: at most 64");
        }
    }

    private (string Abi, EntrypointShape Shape, List<string> Imports) CheckModule(byte[] wasm, ProgramManifest manifest)
    {
        // Compile work is bounded before any is spent: the module's size (checked by the caller), its function count
        // here, the compile time in the module cache.
        if (WasmFunctionCount.Of(wasm) is { } functions && functions > _options.MaxFunctions)
        {
            throw new ProgramRejectedException($"module: defines {functions} functions, above the limit of {_options.MaxFunctions}");
        }

        if (Module.Validate(modules.Engine.Engine, wasm) is { } invalid)
        {
            throw new ProgramRejectedException($"module: does not validate: {invalid}");
        }

        CompiledModule compiled;
        try
        {
            compiled = modules.Get(wasm);
        }
        catch (WasmtimeException e)
        {
            throw new ProgramRejectedException($"module: does not validate: {ProgramExecution.Cause(e)}");
        }
        catch (ModuleCompileTimeoutException e)
        {
            throw new ProgramRejectedException($"module: {e.Message}");
        }

        if (compiled.Abi == ProgramAbi.Wasi)
        {
            return (ProgramAbiNames.Wasi, default, CheckWasiModule(compiled, manifest));
        }

        var summary = WasmModuleSummary.From(compiled.Module);
        if (!summary.Exports.Any(e => e.Name == "memory" && e.Kind == WasmModuleSummary.ExternKind.Memory))
        {
            throw new ProgramRejectedException("module: does not export a memory named 'memory'");
        }

        if (summary.MemoryMinimumPages is { } pages && pages * Memory.PageSize > manifest.MaxMemoryBytes)
        {
            throw new ProgramRejectedException(
                $"module: its memory starts at {pages * Memory.PageSize} bytes, above the manifest's limit of {manifest.MaxMemoryBytes}");
        }

        var entry = summary.Exports.FirstOrDefault(e => e.Name == manifest.Entrypoint);
        if (entry is null || entry.Kind != WasmModuleSummary.ExternKind.Function)
        {
            throw new ProgramRejectedException($"entrypoint: the module exports no function '{manifest.Entrypoint}'");
        }

        var shape = EntrypointShapes.Of(entry.Type!) ?? throw new ProgramRejectedException(
            $"entrypoint: '{manifest.Entrypoint}' has signature {entry.Type}, expected (i32 i32) -> (i32 i32), (i32 i32) -> i64 or (i32 i32 i32) -> ()");

        // The ABI is recognised from the imports: a module importing nothing from wasi_snapshot_preview1 is checked
        // against the ONVM table.
        var imports = new List<string>();
        var granted = manifest.Capabilities ?? [];
        foreach (var import in summary.Imports)
        {
            var name = $"{import.Module}.{import.Name}";
            if (import.Kind != WasmModuleSummary.ExternKind.Function)
            {
                throw new ProgramRejectedException($"import {name}: only host functions can be imported, not a {import.Kind.ToString().ToLowerInvariant()}");
            }

            if (import.Module != OnvmImports.Module || !OnvmImports.Functions.TryGetValue(import.Name, out var allowed))
            {
                throw new ProgramRejectedException(
                    $"import {name}: not an allowed host function (allowed: module 'env' with {string.Join(", ", OnvmImports.Functions.Keys)})");
            }

            if (!allowed.Type.Equals(import.Type))
            {
                throw new ProgramRejectedException($"import {name}: has signature {import.Type}, expected {allowed.Type}");
            }

            if (allowed.Capability is { } capability && !granted.Contains(capability))
            {
                throw new ProgramRejectedException($"import {name}: needs the '{capability}' capability in the manifest");
            }

            imports.Add(import.Name);
        }

        return (ProgramAbiNames.Onvm, shape, imports);
    }

    /// <summary>The deploy check of a WASI preview 1 module: every import is a provided function with its exact
    /// signature, <c>memory</c> and <c>_start: () -> ()</c> are exported, the initial memory fits the manifest's
    /// limit, and the manifest grants no ONVM capability. Returns the imported function names.</summary>
    private static List<string> CheckWasiModule(CompiledModule compiled, ProgramManifest manifest)
    {
        var problems = WasiPreview1.Check(compiled.Module);
        if (problems.Count > 0)
        {
            throw new ProgramRejectedException($"module: not runnable as a WASI preview 1 program: {string.Join("; ", problems)}");
        }

        if (compiled.MemoryMinimumPages is { } pages && pages * Memory.PageSize > manifest.MaxMemoryBytes)
        {
            throw new ProgramRejectedException(
                $"module: its memory starts at {pages * Memory.PageSize} bytes, above the manifest's limit of {manifest.MaxMemoryBytes}");
        }

        if (manifest.Capabilities is { Count: > 0 })
        {
            throw new ProgramRejectedException(
                $"manifest capabilities: a WASI program calls no ONVM host function, so it takes no capability (got {string.Join(", ", manifest.Capabilities)})");
        }

        var imports = new List<string>();
        foreach (var import in compiled.Module.Imports)
        {
            imports.Add(import.Name);
        }

        return imports;
    }

    /// <summary>The canonical ids of the manifest's blob refs, each stored and readable by <paramref name="client"/>;
    /// a ref the client may not read is rejected with the words of a ref that is not stored.</summary>
    private async Task<List<string>> CheckBlobRefsAsync(List<string>? blobRefs, BlobCaller client)
    {
        var normalized = new List<string>();
        foreach (var reference in blobRefs ?? [])
        {
            var id = BlobIds.FromManifestReference(reference) ?? throw new ProgramRejectedException(
                $"blob ref '{reference}': not a blob id (blob + 64 hex digits)");
            if (await GrainFactory.GetGrain<IBlobGrain>(id).GetManifestAsync(client) is null)
            {
                throw new ProgramRejectedException($"blob ref {id}: no such blob is stored");
            }

            if (!normalized.Contains(id))
            {
                normalized.Add(id);
            }
        }

        return normalized;
    }

    private static ProgramManifest CopyManifest(ProgramManifest m) => new()
    {
        Name = m.Name,
        Version = m.Version,
        Entrypoint = m.Entrypoint,
        MaxFuel = m.MaxFuel,
        MaxMemoryBytes = m.MaxMemoryBytes,
        TimeoutMs = m.TimeoutMs,
        BlobRefs = [.. m.BlobRefs ?? []],
        Salt = m.Salt,
        Capabilities = [.. m.Capabilities ?? []],
    };
}
