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

            // Random placement over three silos: about one new key in three lands on the child process (once the
            // calling silo's view holds it; until then none does, so keep trying within the bound).
            IProbeGrain? hosted = null;
            var attempt = 0;
            await Eventually.HoldsAsync("a probe grain activates on the child silo", Bound, async () =>
            {
                var candidate = factory.GetGrain<IProbeGrain>($"victim-{attempt++}");
                if (await candidate.GetSiloPortAsync() != victim.SiloPort)
                {
                    return false;
                }

                hosted = candidate;
                return true;
            });

            var onVictim = hosted ?? throw new InvalidOperationException("no grain was found on the child silo");
            Assert.Equal(1, await onVictim.IncrementAsync());

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
                newPort = await onVictim.GetSiloPortAsync();
                return survivorPorts.Contains(newPort);
            });
            output.WriteLine($"grain answered from survivor {newPort} after {killed.Elapsed.TotalSeconds:0.0} s");
            Assert.Contains(newPort, survivorPorts);
            Assert.Equal(1, await onVictim.GetCountAsync());
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

    [PostgresFact]
    public async Task NewGrainsActivateOnTheSurvivorsBeforeAKilledSiloIsDeclaredDead()
    {
        // Slow failure detection on purpose: the calls below must not need the killed silo declared dead. With the
        // directory spread over the silos, about one new grain in three has its directory range on the killed silo
        // and cannot be placed anywhere until then; with the directory in PostgreSQL every one is placed at once.
        static void SlowDetection(Orleans.Configuration.ClusterMembershipOptions options)
        {
            TestSilo.ConfigureMembership(options);
            options.ProbeTimeout = TimeSpan.FromSeconds(10);
        }

        await using var database = await PostgresDatabase.CreateAsync("directory");
        var cluster = ClusterIdentity.New(database);
        var survivors = new List<(IHost Host, int Port)>();
        try
        {
            for (var i = 0; i < 2; i++)
            {
                var silo = TestSilo.Build(cluster, membership: SlowDetection);
                await silo.Host.StartAsync();
                survivors.Add(silo);
            }

            await using var victim = await ChildSilo.StartAsync(cluster, Bound);
            var factory = survivors[0].Host.Services.GetRequiredService<IGrainFactory>();
            var management = factory.GetGrain<IManagementGrain>(0);
            await Eventually.HoldsAsync("three silos Active", Bound, async () =>
                (await management.GetHosts(onlyActive: true)).Count == 3);

            victim.Kill();
            var killed = System.Diagnostics.Stopwatch.StartNew();
            const int Grains = 48;
            var calls = Enumerable.Range(0, Grains).Select(async i =>
            {
                var grain = factory.GetGrain<ILocalProbeGrain>($"after-kill-{i}");
                var count = await grain.IncrementAsync().WaitAsync(TimeSpan.FromSeconds(20));
                return (Count: count, Port: await grain.GetSiloPortAsync());
            }).ToList();
            var answers = await Task.WhenAll(calls);
            var took = killed.Elapsed;
            output.WriteLine($"{Grains} new grains activated and written {took.TotalSeconds:0.00} s after the kill");

            Assert.All(answers, answer => Assert.Equal(1, answer.Count));
            Assert.All(answers, answer => Assert.Equal(survivors[0].Port, answer.Port));
            Assert.Equal(1L, await database.ScalarAsync<long>(
                $"SELECT count(*) FROM OrleansMembershipTable WHERE DeploymentId = '{cluster.ClusterId}' AND Port = {victim.SiloPort} AND Status = 3"));
            Assert.Equal((long)Grains, await database.ScalarAsync<long>(
                $"SELECT count(*) FROM OrleansGrainDirectory WHERE ClusterId = '{cluster.ClusterId}' AND GrainId LIKE '%after-kill-%'"));
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
