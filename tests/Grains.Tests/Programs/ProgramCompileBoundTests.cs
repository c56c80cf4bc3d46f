using Marketplace.GrainInterfaces;
using Marketplace.Grains.Execution;
using Marketplace.Grains.Tests.Execution;
using Xunit;

namespace Marketplace.Grains.Tests.Programs;

/// <summary>Deploy bounds compile work: a module with more functions than <c>MaxFunctions</c> is refused before it is
/// compiled, one whose compile takes longer than <c>MaxCompileMs</c> after; either way with a typed error and
/// nothing kept.</summary>
public sealed class ProgramCompileBoundTests
{
    [Fact]
    public async Task ASlowToCompileModuleIsRejectedAtDeployAndNothingIsKept()
    {
        await using var silo = await MarketplaceTestSilo.StartAsync(new Dictionary<string, string?>
        {
            ["Marketplace:Programs:MaxCompileMs"] = "1",
        });
        var large = SandboxLimitTests.LargeModule(functions: 400, operations: 400);
        var deployment = ProgramDeployments.Create(large, ProgramsSiloFixture.Manifest("slow"), ProgramsSiloFixture.DeployerKey);
        var id = ProgramDeployments.ComputeProgramId(large, deployment.Manifest.Salt);
        var e = await Assert.ThrowsAsync<ProgramRejectedException>(() => silo.Grains.GetGrain<IProgramGrain>(id).DeployAsync(deployment, BlobCaller.Silo));
        Assert.Equal("module: compiling the module took longer than 1 ms", e.Message);

        // Nothing of it was kept, and the program was not registered.
        var cache = (ProgramModuleCache)silo.Services.GetService(typeof(ProgramModuleCache))!;
        Assert.Equal(0, cache.Count);
        Assert.Null(await silo.Grains.GetGrain<IProgramGrain>(id).GetInfoAsync());
    }

    [Fact]
    public async Task AModuleWithTooManyFunctionsIsRejectedBeforeItIsCompiled()
    {
        await using var silo = await MarketplaceTestSilo.StartAsync(new Dictionary<string, string?>
        {
            ["Marketplace:Programs:MaxFunctions"] = "100",
        });
        var many = SandboxLimitTests.LargeModule(functions: 101, operations: 1);
        var deployment = ProgramDeployments.Create(many, ProgramsSiloFixture.Manifest("many"), ProgramsSiloFixture.DeployerKey);
        var id = ProgramDeployments.ComputeProgramId(many, deployment.Manifest.Salt);
        var e = await Assert.ThrowsAsync<ProgramRejectedException>(() => silo.Grains.GetGrain<IProgramGrain>(id).DeployAsync(deployment, BlobCaller.Silo));
        Assert.Equal("module: defines 102 functions, above the limit of 100", e.Message);
        var cache = (ProgramModuleCache)silo.Services.GetService(typeof(ProgramModuleCache))!;
        Assert.Equal(0, cache.Count);

        // At the limit it deploys.
        var enough = SandboxLimitTests.LargeModule(functions: 99, operations: 1);
        var fits = ProgramDeployments.Create(enough, ProgramsSiloFixture.Manifest("enough"), ProgramsSiloFixture.DeployerKey);
        var info = await silo.Grains.GetGrain<IProgramGrain>(ProgramDeployments.ComputeProgramId(enough, fits.Manifest.Salt)).DeployAsync(fits, BlobCaller.Silo);
        Assert.Equal(fits.Manifest.Name, info.Manifest.Name);
    }

    [Theory]
    [InlineData(new byte[] { 0, 0x61, 0x73, 0x6d, 1, 0, 0, 0 }, 0L)]
    [InlineData(new byte[] { 0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 3, 2, 1, 0 }, 1L)]
    [InlineData(new byte[] { 0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1, 1, 0, 3, 3, 0x80, 0x01, 0 }, 128L)]
    [InlineData(new byte[] { 0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 3, 9, 0 }, null)]
    [InlineData(new byte[] { 1, 2, 3 }, null)]
    [InlineData(new byte[] { 0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 3, 0x80 }, null)]
    public void TheFunctionCountIsReadFromTheFunctionSection(byte[] wasm, long? expected) =>
        Assert.Equal(expected, Marketplace.Grains.Programs.WasmFunctionCount.Of(wasm));
}
