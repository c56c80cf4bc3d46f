using Marketplace.GrainInterfaces;
using Marketplace.Grains.Execution;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Marketplace.Grains.Tests.Samples;

/// <summary>One real silo (SQLite, the program grains, the real runner) shared by the sample-program tests, with
/// helpers to deploy a sample signed and to run it through <see cref="IProgramRunner"/>.</summary>
public sealed class SampleSiloFixture : IAsyncLifetime
{
    /// <summary>A fixed deployer key (secp256k1).</summary>
    private static readonly byte[] DeployerKey = Convert.FromHexString("4646464646464646464646464646464646464646464646464646464646464646");

    private MarketplaceTestSilo? _silo;

    /// <summary>The grain factory.</summary>
    public IGrainFactory Grains => Silo.Grains;

    private MarketplaceTestSilo Silo => _silo ?? throw new InvalidOperationException("the silo is not started");

    private IProgramRunner Runner => Silo.Services.GetRequiredService<IProgramRunner>();

    /// <inheritdoc />
    public async Task InitializeAsync() => _silo = await MarketplaceTestSilo.StartAsync();

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_silo is not null)
        {
            await _silo.DisposeAsync();
        }
    }

    /// <summary>Deploys programs/&lt;name&gt;/&lt;name&gt;.wasm, signed, under a fresh salt (fresh state).</summary>
    public Task<ProgramInfo> DeployAsync(string program)
    {
        var manifest = new ProgramManifest
        {
            Name = $"sample-{program}-{Guid.NewGuid():N}",
            Version = "1.0.0",
            Salt = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()),
        };
        var deployment = ProgramDeployments.Create(SamplePrograms.Wasm(program), manifest, DeployerKey);
        var id = ProgramDeployments.ComputeProgramId(deployment.Wasm, manifest.Salt);
        return Grains.GetGrain<IProgramGrain>(id).DeployAsync(deployment, BlobCaller.Silo);
    }

    /// <summary>Runs a deployed program once.</summary>
    internal Task<ProgramRunResult> RunAsync(ProgramInfo program, byte[] input, long maxFuel = 50_000_000, long maxMemoryBytes = 64L * 1024 * 1024) =>
        Runner.RunAsync(
            new ProgramRunRequest
            {
                ProgramId = program.Id,
                Input = input,
                MaxFuel = maxFuel,
                MaxMemoryBytes = maxMemoryBytes,
                Timeout = TimeSpan.FromSeconds(30),
            },
            CancellationToken.None);
}
