using Marketplace.GrainInterfaces;
using Marketplace.Grains.Execution;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Marketplace.Grains.Tests.Programs;

/// <summary>One real silo shared by the programs tests of a class, with a 64 KiB module limit and a small log limit,
/// plus helpers to load the test modules and deploy them signed.</summary>
public sealed class ProgramsSiloFixture : IAsyncLifetime
{
    /// <summary>A fixed deployer key (the crypto README's example key).</summary>
    public static readonly byte[] DeployerKey = Convert.FromHexString("4646464646464646464646464646464646464646464646464646464646464646");

    public const int MaxModuleBytes = 64 * 1024;

    public const int MaxLogLines = 50;

    private MarketplaceTestSilo? _silo;

    public MarketplaceTestSilo Silo => _silo ?? throw new InvalidOperationException("the silo is not started");

    public IGrainFactory Grains => Silo.Grains;

    internal IProgramRunner Runner => Silo.Services.GetRequiredService<IProgramRunner>();

    /// <summary>Commits for another writer the moment a run has read a program's state.</summary>
    internal CompetingStateCommit CompetingCommit => Silo.Services.GetRequiredService<CompetingStateCommit>();

    public async Task InitializeAsync()
    {
        _silo = await MarketplaceTestSilo.StartAsync(new Dictionary<string, string?>
        {
            ["Marketplace:Programs:MaxModuleBytes"] = MaxModuleBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Marketplace:Programs:MaxLogLines"] = MaxLogLines.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }, services =>
        {
            services.AddSingleton<CompetingStateCommit>();
            services.AddSingleton<IOutgoingGrainCallFilter>(sp => sp.GetRequiredService<CompetingStateCommit>());
            services.AddSingleton<StateReadCounter>();
            services.AddSingleton<IOutgoingGrainCallFilter>(sp => sp.GetRequiredService<StateReadCounter>());
        });
    }

    public async Task DisposeAsync()
    {
        if (_silo is not null)
        {
            await _silo.DisposeAsync();
        }
    }

    public static byte[] Module(string name) =>
        File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Programs", "Modules", name + ".wasm"));

    /// <summary>A manifest with a unique name (tests share the catalog).</summary>
    public static ProgramManifest Manifest(string name, string version = "1.0.0") =>
        new() { Name = $"{name}-{Guid.NewGuid():N}"[..Math.Min(40, name.Length + 33)], Version = version };

    /// <summary>Signs and deploys under the id the content hashes to.</summary>
    public Task<ProgramInfo> DeployAsync(byte[] wasm, ProgramManifest manifest, byte[]? key = null)
    {
        var deployment = ProgramDeployments.Create(wasm, manifest, key ?? DeployerKey);
        return DeployAsync(deployment);
    }

    public Task<ProgramInfo> DeployAsync(ProgramDeployment deployment)
    {
        var id = ProgramDeployments.ComputeProgramId(deployment.Wasm, deployment.Manifest.Salt);
        return Grains.GetGrain<IProgramGrain>(id).DeployAsync(deployment, BlobCaller.Silo);
    }

    /// <summary>Deploys a test module under a fresh salt (so every test gets its own program and state).</summary>
    public Task<ProgramInfo> DeployFreshAsync(string module)
    {
        var manifest = Manifest(module);
        manifest.Salt = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray());
        return DeployAsync(Module(module), manifest);
    }

    internal Task<ProgramRunResult> RunAsync(
        ProgramInfo program,
        byte[] input,
        long maxFuel = 50_000_000,
        long maxMemoryBytes = 64L * 1024 * 1024,
        TimeSpan? timeout = null,
        CancellationToken cancellationToken = default) =>
        Runner.RunAsync(
            new ProgramRunRequest
            {
                ProgramId = program.Id,
                Input = input,
                MaxFuel = maxFuel,
                MaxMemoryBytes = maxMemoryBytes,
                Timeout = timeout ?? TimeSpan.FromSeconds(30),
            },
            cancellationToken);
}
