using System.Reflection;
using Marketplace.Grains.Workers;
using Marketplace.Grains.Workers.TestHooks;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Marketplace.Grains.Tests;

/// <summary>The one way tests reach into the marketplace: optional services of a library's <c>TestHooks</c>
/// namespace, never registered by the marketplace, and no test-only member on a production type.</summary>
public sealed class TestHooksTests
{
    private static readonly string[] GrainAssemblies =
    [
        "Marketplace.Grains.Blobs", "Marketplace.Grains.Execution", "Marketplace.Grains.Hosting", "Marketplace.Grains.Jobs",
        "Marketplace.Grains.Ledger", "Marketplace.Grains.Programs", "Marketplace.Grains.Reputation",
        "Marketplace.Grains.Settlement", "Marketplace.Grains.Storage", "Marketplace.Grains.Telemetry", "Marketplace.Grains.Workers",
    ];

    private static readonly string[] TestOnlyPrefixes = ["Simulate", "Inject", "ForTest", "Test"];

    [Fact]
    public void No_production_type_carries_a_test_only_member_and_every_hook_is_internal()
    {
        var hooks = 0;
        foreach (var name in GrainAssemblies)
        {
            foreach (var type in Assembly.Load(name).GetTypes())
            {
                if (type.Namespace?.EndsWith(".TestHooks", StringComparison.Ordinal) == true)
                {
                    hooks++;
                    Assert.False(type.IsPublic, $"{type.FullName} is a test hook and must not be public");
                    continue;
                }

                foreach (var member in type.GetMembers(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
                {
                    var prefix = Array.Find(TestOnlyPrefixes, p => member.Name.StartsWith(p, StringComparison.Ordinal) && member.Name.Length > p.Length && char.IsUpper(member.Name[p.Length]));
                    Assert.True(prefix is null, $"{type.FullName}.{member.Name} looks test-only; it belongs in a TestHooks hook");
                }
            }
        }

        Assert.True(hooks >= 7, $"found {hooks} hook types; the TestHooks namespaces moved?");
    }

    [Fact]
    public async Task A_cut_off_worker_is_cut_off_through_the_hook_alone_and_heals()
    {
        await using var silo = await MarketplaceTestSilo.StartAsync(new Jobs.JobsSettings().Worker("w1").Values);
        var executor = silo.Services.GetRequiredService<LocalWorkers>().Find("w1")!;
        var faults = silo.Services.GetRequiredService<WorkerFaultInjection>();
        Assert.Same(faults, silo.Services.GetRequiredService<IWorkerLinkFaults>());
        Assert.True(executor.IsAlive);

        faults.Partition("w1");
        Assert.True(faults.IsCutOff("w1"));
        Assert.False(executor.IsAlive);

        faults.Heal("w1");
        Assert.False(faults.IsCutOff("w1"));
        Assert.True(executor.IsAlive);
        Assert.Throws<InvalidOperationException>(() => faults.Partition("nobody"));
    }
}
