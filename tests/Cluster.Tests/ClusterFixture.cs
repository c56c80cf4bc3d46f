using Marketplace.Cluster.Tests.Support;
using Xunit;

[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace Marketplace.Cluster.Tests;

/// <summary>
/// One three-silo PostgreSQL cluster per test class (its own database), with job-test deployed. Started lazily by the
/// first test, so a class whose tests are skipped (no PostgreSQL) starts nothing.
/// </summary>
public abstract class ClusterFixture : IAsyncLifetime
{
    private readonly string _purpose;
    private readonly int _silos;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private SiloCluster? _cluster;

    /// <summary>Creates the fixture; <paramref name="purpose"/> names the database.</summary>
    protected ClusterFixture(string purpose, int silos = 3)
    {
        _purpose = purpose;
        _silos = silos;
    }

    /// <summary>The deployed program's reference.</summary>
    public string Program { get; } = "job-test-" + Guid.NewGuid().ToString("N")[..8];

    /// <summary>Starts the cluster on first use and deploys the program.</summary>
    public async Task<SiloCluster> ClusterAsync(string? serverConnectionString = null)
    {
        await _gate.WaitAsync();
        try
        {
            if (_cluster is null)
            {
                _cluster = await SiloCluster.StartAsync(_purpose, _silos, serverConnectionString);
                using var client = SiloCluster.Client(_cluster.Silos[0]);
                await client.DeployProgramAsync(SamplePrograms.JobTest(Program));
            }

            return _cluster;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public Task InitializeAsync() => Task.CompletedTask;

    /// <inheritdoc />
    public virtual async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }

        _gate.Dispose();
    }
}
