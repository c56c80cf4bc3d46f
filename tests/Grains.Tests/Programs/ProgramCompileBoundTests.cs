using Marketplace.GrainInterfaces;
using Marketplace.Grains.Execution;
using Marketplace.Grains.Tests.Execution;
using Xunit;

namespace Marketplace.Grains.Tests.Programs;

/// <summary>Deploy rejects a module whose compile takes longer than <c>MaxCompileMs</c> with a typed error and keeps
/// nothing of it.</summary>
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
}
