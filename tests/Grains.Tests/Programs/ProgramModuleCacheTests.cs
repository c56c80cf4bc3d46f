using Marketplace.Grains.Execution;
using Marketplace.Grains.Tests.Execution;
using Microsoft.Extensions.Options;
using Wasmtime;
using Xunit;

namespace Marketplace.Grains.Tests.Programs;

public sealed class ProgramModuleCacheTests
{
    [Fact]
    public void TheSameBytesCompileOnceAndCapacityEvictsTheLeastRecentlyUsed()
    {
        using var harness = new SandboxHarness(new ProgramOptions { ModuleCacheCapacity = 2 });
        var cache = harness.Modules;
        var echo = ProgramsSiloFixture.Module("echo_multi");
        var first = cache.Get(echo);
        Assert.Same(first, cache.Get([.. echo]));
        Assert.Equal(1, cache.Compiles);
        Assert.StartsWith(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(echo)), first.Key, StringComparison.Ordinal);
        Assert.EndsWith(harness.Engine.ConfigurationDigest, first.Key, StringComparison.Ordinal);

        cache.Get(ProgramsSiloFixture.Module("echo_packed"));
        Assert.Same(first, cache.Get(echo));
        cache.Get(ProgramsSiloFixture.Module("echo_sret"));
        Assert.Equal(2, cache.Count);
        Assert.Equal(3, cache.Compiles);

        // echo_packed was the least recently used: it compiles again; echo_multi is still cached.
        Assert.Same(first, cache.Get(echo));
        cache.Get(ProgramsSiloFixture.Module("echo_packed"));
        Assert.Equal(4, cache.Compiles);
    }

    [Fact]
    public void InvalidModulesThrowWasmtimesError()
    {
        using var harness = new SandboxHarness();
        Assert.ThrowsAny<WasmtimeException>(() => harness.Modules.Get([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 0x01]));
    }

    [Fact]
    public async Task TheDiskCacheServesASecondCacheAndRejectsATamperedFile()
    {
        var directory = Path.Combine(Path.GetTempPath(), "mkt-cwasm-" + Guid.NewGuid().ToString("N"));
        try
        {
            var options = new ProgramOptions { ModuleCacheDirectory = directory };
            using var harness = new SandboxHarness(options);
            var echo = ProgramsSiloFixture.Module("echo_multi");
            harness.Modules.Get(echo);
            Assert.Equal(1, harness.Modules.Compiles);
            var file = Assert.Single(Directory.GetFiles(directory, "*.cwasm"));

            var second = new ProgramModuleCache(harness.Engine, Options.Create(options));
            var loaded = second.Get(echo);
            Assert.Equal((0L, 1L), (second.Compiles, second.DiskLoads));
            var result = await harness.RunAsync(echo, "hi"u8.ToArray());
            Assert.Equal(ProgramRunOutcome.Succeeded, result.Outcome);
            Assert.NotNull(loaded.Module);

            // One flipped byte in the serialized code: the checksum fails, the file is dropped and the module
            // compiled again.
            var bytes = File.ReadAllBytes(file);
            bytes[^100] ^= 0xFF;
            File.WriteAllBytes(file, bytes);
            var third = new ProgramModuleCache(harness.Engine, Options.Create(options));
            third.Get(echo);
            Assert.Equal((1L, 0L), (third.Compiles, third.DiskLoads));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
