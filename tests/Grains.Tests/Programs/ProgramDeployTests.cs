using Marketplace.Crypto.Ethereum;
using Marketplace.GrainInterfaces;
using Xunit;

namespace Marketplace.Grains.Tests.Programs;

public sealed class ProgramDeployTests(ProgramsSiloFixture fixture) : IClassFixture<ProgramsSiloFixture>
{
    private static readonly string DeployerAddress =
        Address.FromPublicKey(Secp256k1PrivateKey.FromBytes(ProgramsSiloFixture.DeployerKey).PublicKey).ToChecksumString();

    [Fact]
    public async Task AcceptedDeployRecordsIdDeployerShapeAndImportsAndIsIdempotent()
    {
        var wasm = ProgramsSiloFixture.Module("state");
        var manifest = ProgramsSiloFixture.Manifest("state");
        manifest.Salt = "00ff";
        var deployment = ProgramDeployments.Create(wasm, manifest, ProgramsSiloFixture.DeployerKey);
        var info = await fixture.DeployAsync(deployment);

        var expectedId = "prog" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData([.. wasm, 0x00, 0xff]));
        Assert.Equal(expectedId, info.Id);
        Assert.Equal(DeployerAddress, info.Deployer);
        Assert.Equal(EntrypointShape.MultiValue, info.EntrypointShape);
        Assert.Contains("onvm_state_put", info.Imports);
        Assert.Equal(wasm.Length, info.ModuleSize);

        var again = await fixture.DeployAsync(deployment);
        Assert.Equal(info.DeployedAt, again.DeployedAt);
        var grain = fixture.Grains.GetGrain<IProgramGrain>(info.Id);
        Assert.Equal(wasm, await grain.GetModuleAsync());
        Assert.Equal(info.Id, (await grain.GetInfoAsync())!.Id);
    }

    [Theory]
    [InlineData("echo_packed", EntrypointShape.Packed)]
    [InlineData("echo_sret", EntrypointShape.StructReturn)]
    [InlineData("echo_multi", EntrypointShape.MultiValue)]
    public async Task EachEntrypointShapeIsRecognized(string module, EntrypointShape shape)
    {
        var info = await fixture.DeployFreshAsync(module);
        Assert.Equal(shape, info.EntrypointShape);
    }

    [Theory]
    [InlineData("forbidden_import", "import env.system: not an allowed host function")]
    [InlineData("wasi_import", "module: not runnable as a WASI preview 1 program: export _start: a WASI command must export \"_start\"")]
    [InlineData("wrong_import_type", "import env.onvm_log: has signature")]
    [InlineData("no_memory", "does not export a memory named 'memory'")]
    [InlineData("wrong_entrypoint", "entrypoint: 'onvm_main' has signature")]
    [InlineData("clock", "import env.onvm_now_ms: needs the 'time' capability")]
    public async Task ModuleChecksRejectWithANamedReason(string module, string expected)
    {
        var e = await Assert.ThrowsAsync<ProgramRejectedException>(() => fixture.DeployFreshAsync(module));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.Equal("program_rejected", e.Code);
    }

    [Fact]
    public async Task CapabilityAllowsTheClockImport()
    {
        var manifest = ProgramsSiloFixture.Manifest("clock");
        manifest.Capabilities = ["time"];
        var info = await fixture.DeployAsync(ProgramsSiloFixture.Module("clock"), manifest);
        Assert.Contains("onvm_now_ms", info.Imports);

        manifest = ProgramsSiloFixture.Manifest("clock");
        manifest.Salt = "01";
        manifest.Capabilities = ["network"];
        var e = await Assert.ThrowsAsync<ProgramRejectedException>(() => fixture.DeployAsync(ProgramsSiloFixture.Module("clock"), manifest));
        Assert.Contains("unknown capability 'network'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvalidModuleBytesAreRejected()
    {
        byte[] invalid = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x99];
        var e = await Assert.ThrowsAsync<ProgramRejectedException>(() => fixture.DeployAsync(invalid, ProgramsSiloFixture.Manifest("bad")));
        Assert.Contains("module: does not validate", e.Message, StringComparison.Ordinal);

        e = await Assert.ThrowsAsync<ProgramRejectedException>(() => fixture.DeployAsync("not wasm at all"u8.ToArray(), ProgramsSiloFixture.Manifest("bad")));
        Assert.Contains("module: does not validate", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ModuleOverTheSizeLimitIsRejected()
    {
        var big = new byte[ProgramsSiloFixture.MaxModuleBytes + 1];
        var e = await Assert.ThrowsAsync<ProgramRejectedException>(() => fixture.DeployAsync(big, ProgramsSiloFixture.Manifest("big")));
        Assert.Contains($"exceeds the limit of {ProgramsSiloFixture.MaxModuleBytes} bytes", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TamperedOrMalformedSignaturesAreRejected()
    {
        var wasm = ProgramsSiloFixture.Module("echo_multi");
        var manifest = ProgramsSiloFixture.Manifest("echo");
        var deployment = ProgramDeployments.Create(wasm, manifest, ProgramsSiloFixture.DeployerKey);
        deployment.Manifest.MaxFuel = 1000; // changed after signing
        var e = await Assert.ThrowsAsync<ProgramRejectedException>(() => fixture.DeployAsync(deployment));
        Assert.Contains("signature: recovers", e.Message, StringComparison.Ordinal);
        Assert.Contains(DeployerAddress, e.Message, StringComparison.Ordinal);

        deployment = ProgramDeployments.Create(wasm, ProgramsSiloFixture.Manifest("echo"), ProgramsSiloFixture.DeployerKey);
        deployment.Signature = deployment.Signature[..64];
        e = await Assert.ThrowsAsync<ProgramRejectedException>(() => fixture.DeployAsync(deployment));
        Assert.Contains("signature: expected 65 bytes", e.Message, StringComparison.Ordinal);

        deployment = ProgramDeployments.Create(wasm, ProgramsSiloFixture.Manifest("echo"), ProgramsSiloFixture.DeployerKey);
        deployment.Signature[64] = 9;
        e = await Assert.ThrowsAsync<ProgramRejectedException>(() => fixture.DeployAsync(deployment));
        Assert.StartsWith("signature:", e.Message, StringComparison.Ordinal);
    }

    public static TheoryData<long, long, long, string?> Limits => new()
    {
        { 50_000_000, 64L * 1024 * 1024, 30_000, null },
        { 500_000_000, 512L * 1024 * 1024, 300_000, null },
        { 500_000_001, 64L * 1024 * 1024, 30_000, "limits: max fuel 500000001" },
        { 50_000_000, (512L * 1024 * 1024) + 1, 30_000, "limits: max memory" },
        { 50_000_000, 64L * 1024 * 1024, 300_001, "limits: timeout 300001 ms" },
        { 0, 64L * 1024 * 1024, 30_000, "limits: max fuel 0" },
    };

    [Theory]
    [MemberData(nameof(Limits))]
    public async Task LimitsAreCheckedAgainstTheSiloMaxima(long fuel, long memory, long timeoutMs, string? expected)
    {
        var manifest = ProgramsSiloFixture.Manifest("limits");
        manifest.Salt = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray());
        manifest.MaxFuel = fuel;
        manifest.MaxMemoryBytes = memory;
        manifest.TimeoutMs = timeoutMs;
        if (expected is null)
        {
            var info = await fixture.DeployAsync(ProgramsSiloFixture.Module("echo_multi"), manifest);
            Assert.Equal(fuel, info.Manifest.MaxFuel);
            return;
        }

        var e = await Assert.ThrowsAsync<ProgramRejectedException>(() => fixture.DeployAsync(ProgramsSiloFixture.Module("echo_multi"), manifest));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("bad name!", "1.0.0", "manifest name")]
    [InlineData("", "1.0.0", "manifest name")]
    [InlineData("ok-name", "1.0", "manifest version")]
    [InlineData("ok-name", "01.0.0", "manifest version")]
    public async Task NameAndVersionSyntaxIsChecked(string name, string version, string expected)
    {
        var manifest = new ProgramManifest { Name = name, Version = version, Salt = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()) };
        var e = await Assert.ThrowsAsync<ProgramRejectedException>(() => fixture.DeployAsync(ProgramsSiloFixture.Module("echo_multi"), manifest));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MalformedBlobRefsAndSaltsAreRejected()
    {
        var manifest = ProgramsSiloFixture.Manifest("blobs");
        manifest.BlobRefs = ["blobxyz"];
        var e = await Assert.ThrowsAsync<ProgramRejectedException>(() => fixture.DeployAsync(ProgramsSiloFixture.Module("echo_multi"), manifest));
        Assert.Contains("blob ref 'blobxyz': not a blob id", e.Message, StringComparison.Ordinal);

        manifest = ProgramsSiloFixture.Manifest("salt");
        manifest.Salt = "xyz";
        var deployment = ProgramDeployments.Create(ProgramsSiloFixture.Module("echo_multi"), manifest, ProgramsSiloFixture.DeployerKey);
        e = await Assert.ThrowsAsync<ProgramRejectedException>(() =>
            fixture.Grains.GetGrain<IProgramGrain>("prog" + new string('0', 64)).DeployAsync(deployment, BlobCaller.Silo));
        Assert.Contains("salt", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeployUnderAnotherIdIsRejected()
    {
        var deployment = ProgramDeployments.Create(ProgramsSiloFixture.Module("echo_multi"), ProgramsSiloFixture.Manifest("echo"), ProgramsSiloFixture.DeployerKey);
        var e = await Assert.ThrowsAsync<ProgramRejectedException>(() =>
            fixture.Grains.GetGrain<IProgramGrain>("prog" + new string('1', 64)).DeployAsync(deployment, BlobCaller.Silo));
        Assert.Contains("program id: the module and salt hash to", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CatalogListsVersionsResolvesLatestAndGuardsNames()
    {
        var name = ProgramsSiloFixture.Manifest("cat").Name;
        var ids = new Dictionary<string, string>();
        foreach (var version in new[] { "1.2.0", "1.10.0", "1.10.0-rc.1", "0.9.9" })
        {
            var manifest = new ProgramManifest { Name = name, Version = version, Salt = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()) };
            ids[version] = (await fixture.DeployAsync(ProgramsSiloFixture.Module("echo_multi"), manifest)).Id;
        }

        var listed = (await Listings.ProgramVersionsAsync(fixture.Grains, name, null, PageLimits.Max)).Items.Select(p => p.Manifest.Version).ToList();
        Assert.Equal(["0.9.9", "1.2.0", "1.10.0-rc.1", "1.10.0"], listed);

        Task<ProgramInfo> Resolve(string reference) => ProgramReferences.ResolveAsync(fixture.Grains, reference);
        Assert.Equal(ids["1.10.0"], (await Resolve(name)).Id);
        Assert.Equal(ids["1.10.0"], (await Resolve(name + "@latest")).Id);
        Assert.Equal(ids["1.2.0"], (await Resolve(name + "@1.2.0")).Id);
        Assert.Equal(ids["0.9.9"], (await Resolve(ids["0.9.9"])).Id);
        Assert.Equal(ids["0.9.9"], (await Resolve(ids["0.9.9"][4..].ToUpperInvariant())).Id);
        var missing = await Assert.ThrowsAsync<ProgramNotFoundException>(() => Resolve(name + "@2.0.0"));
        Assert.Contains("has no version 2.0.0", missing.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ProgramNotFoundException>(() => Resolve("no-such-program-" + Guid.NewGuid().ToString("N")));
        await Assert.ThrowsAsync<ProgramNotFoundException>(() => Resolve("prog" + new string('a', 64)));

        // The same name@version with other content, and the name from another deployer, are refused.
        var taken = new ProgramManifest { Name = name, Version = "1.2.0", Salt = "abcd" };
        var e = await Assert.ThrowsAsync<ProgramRejectedException>(() => fixture.DeployAsync(ProgramsSiloFixture.Module("echo_packed"), taken));
        Assert.Contains($"{name}@1.2.0 is already deployed", e.Message, StringComparison.Ordinal);
        var otherKey = Convert.FromHexString("0101010101010101010101010101010101010101010101010101010101010101");
        var stranger = new ProgramManifest { Name = name, Version = "9.0.0" };
        e = await Assert.ThrowsAsync<ProgramRejectedException>(() => fixture.DeployAsync(ProgramsSiloFixture.Module("echo_packed"), stranger, otherKey));
        Assert.Contains($"'{name}' belongs to deployer {DeployerAddress}", e.Message, StringComparison.Ordinal);
    }
}
