using Marketplace.Persistence.PostgreSql.Tests.Grains;
using Marketplace.Persistence.PostgreSql.Tests.Support;
using Marketplace.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit;
using Xunit.Abstractions;

namespace Marketplace.Persistence.PostgreSql.Tests;

/// <summary>A silo process killed with SIGKILL is declared dead by the survivors through the PostgreSQL table.</summary>
public sealed class SiloFailureTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(120);

    [PostgresFact]
    public async Task KilledSiloIsDeclaredDeadAndItsGrainReactivatesOnASurvivor()
    {
        await using var database = await PostgresDatabase.CreateAsync("failure");
        var cluster = ClusterIdentity.New(database);
        var survivors = new List<(IHost Host, int Port)>();
        try
        {
            for (var i = 0; i < 2; i++)
            {
                var silo = TestSilo.Build(cluster);
                await silo.Host.StartAsync();
                survivors.Add(silo);
            }

            await using var victim = await ChildSilo.StartAsync(cluster, Bound);
            var factory = survivors[0].Host.Services.GetRequiredService<IGrainFactory>();
            var management = factory.GetGrain<IManagementGrain>(0);
            await Eventually.HoldsAsync("three silos Active", Bound, async () =>
                (await management.GetHosts(onlyActive: true)).Count == 3);

            // Random placement over three silos: some early key lands on the child process.
            IProbeGrain? hosted = null;
            for (var i = 0; i < 200 && hosted is null; i++)
            {
                var candidate = factory.GetGrain<IProbeGrain>($"victim-{i}");
                if (await candidate.GetSiloPortAsync() == victim.SiloPort)
                {
                    hosted = candidate;
                }
            }

            Assert.NotNull(hosted);
            Assert.Equal(1, await hosted.IncrementAsync());

            victim.Kill();
            var killed = System.Diagnostics.Stopwatch.StartNew();

            await Eventually.HoldsAsync("the survivors mark the killed silo Dead in the membership table", Bound, async () =>
                await database.ScalarAsync<long>(
                    $"SELECT count(*) FROM OrleansMembershipTable WHERE DeploymentId = '{cluster.ClusterId}' AND Port = {victim.SiloPort} AND Status = 6") == 1);
            output.WriteLine($"killed silo marked Dead after {killed.Elapsed.TotalSeconds:0.0} s");
            await Eventually.HoldsAsync("every survivor sees only the two survivors Active", Bound, async () =>
            {
                foreach (var (host, _) in survivors)
                {
                    var view = await host.Services.GetRequiredService<IGrainFactory>().GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true);
                    if (view.Count != 2 || view.Keys.Any(silo => silo.Endpoint.Port == victim.SiloPort))
                    {
                        return false;
                    }
                }

                return true;
            });

            var survivorPorts = survivors.Select(s => s.Port).ToList();
            var newPort = 0;
            await Eventually.HoldsAsync("the grain answers from a survivor", Bound, async () =>
            {
                newPort = await hosted.GetSiloPortAsync();
                return survivorPorts.Contains(newPort);
            });
            output.WriteLine($"grain answered from survivor {newPort} after {killed.Elapsed.TotalSeconds:0.0} s");
            Assert.Contains(newPort, survivorPorts);
            Assert.Equal(1, await hosted.GetCountAsync());
        }
        finally
        {
            foreach (var (host, _) in survivors)
            {
                using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                await host.StopAsync(bound.Token);
                host.Dispose();
            }
        }
    }
}
