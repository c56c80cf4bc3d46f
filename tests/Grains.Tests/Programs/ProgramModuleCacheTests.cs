using Marketplace.Grains.Execution;
using Marketplace.Grains.Programs;
using Marketplace.Wasm;
using Microsoft.Extensions.Options;
using Xunit;

namespace Marketplace.Grains.Tests.Programs;

public sealed class ProgramModuleCacheTests
{
    [Fact]
    public void CacheHitsReuseTheModuleAndCapacityStartsANewGeneration()
    {
        var cache = new ProgramModuleCache(Options.Create(new ProgramOptions { ModuleCacheCapacity = 2 }));
        var echo = ProgramsSiloFixture.Module("echo_multi");
        var (first, linker) = cache.Get("a", echo);
        Assert.Same(first, cache.Get("a", echo).Module);
        cache.Get("b", ProgramsSiloFixture.Module("echo_packed"));
        Assert.Equal(1, cache.Generations);

        var (third, newLinker) = cache.Get("c", ProgramsSiloFixture.Module("echo_sret"));
        Assert.Equal(2, cache.Generations);
        Assert.NotSame(first.Engine, third.Engine);
        Assert.NotSame(linker, newLinker);

        // "a" is compiled again in the new generation; the old module still works for runs holding it.
        Assert.NotSame(first, cache.Get("a", echo).Module);
        Assert.NotNull(linker.Instantiate(new Store(first.Engine), first).GetFunction("onvm_main"));
    }

    [Fact]
    public void InvalidModulesThrowTheEnginesError()
    {
        var cache = new ProgramModuleCache(Options.Create(new ProgramOptions()));
        Assert.ThrowsAny<WasmException>(() => cache.Get("bad", [0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 0x01]));
    }
}
