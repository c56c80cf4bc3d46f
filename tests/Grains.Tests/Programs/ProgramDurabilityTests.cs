using System.Text;
using Marketplace.GrainInterfaces;
using Marketplace.Grains.Execution;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Marketplace.Grains.Tests.Programs;

public sealed class ProgramDurabilityTests
{
    [Fact]
    public async Task ProgramCatalogAndStateSurviveARestart()
    {
        await using var silo = await MarketplaceTestSilo.StartAsync();
        var manifest = ProgramsSiloFixture.Manifest("durable");
        var deployment = ProgramDeployments.Create(ProgramsSiloFixture.Module("state"), manifest, ProgramsSiloFixture.DeployerKey);
        var id = ProgramDeployments.ComputeProgramId(deployment.Wasm, manifest.Salt);
        var info = await silo.Grains.GetGrain<IProgramGrain>(id).DeployAsync(deployment, BlobCaller.Silo);
        var put = await RunAsync(silo, info, [(byte)'P', 5, .. "alpha"u8, .. "Hello, KVSTORE!"u8]);
        Assert.Equal(ProgramRunOutcome.Succeeded, put.Outcome);

        await silo.RestartAsync();

        Assert.Equal(id, (await ProgramReferences.ResolveAsync(silo.Grains, manifest.Name + "@latest")).Id);
        Assert.Equal(deployment.Wasm, await silo.Grains.GetGrain<IProgramGrain>(id).GetModuleAsync());
        var snapshot = await silo.Grains.GetGrain<IProgramStateGrain>(id).GetSnapshotAsync();
        Assert.Equal(1, snapshot.Version);
        Assert.Equal(put.StateRoot, snapshot.Root);

        var get = await RunAsync(silo, info, [(byte)'G', 5, .. "alpha"u8]);
        Assert.Equal("Hello, KVSTORE!", Encoding.UTF8.GetString(get.Output.Span[8..]));
    }

    private static Task<ProgramRunResult> RunAsync(MarketplaceTestSilo silo, ProgramInfo program, byte[] input) =>
        silo.Services.GetRequiredService<IProgramRunner>().RunAsync(
            new ProgramRunRequest
            {
                ProgramId = program.Id,
                Input = input,
                MaxFuel = 10_000_000,
                MaxMemoryBytes = 16L << 20,
                Timeout = TimeSpan.FromSeconds(30),
            },
            CancellationToken.None);
}
