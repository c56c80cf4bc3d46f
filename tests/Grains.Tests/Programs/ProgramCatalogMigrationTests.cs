using Marketplace.GrainInterfaces;
using Marketplace.Grains.Programs;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using Xunit;

namespace Marketplace.Grains.Tests.Programs;

/// <summary>A silo whose storage holds the single catalog record of earlier versions (every program in one list)
/// serves it from the first call and moves it to one grain per name, once.</summary>
public sealed class ProgramCatalogMigrationTests
{
    private const string CatalogState = "program-catalog";

    [Fact]
    public async Task TheSingleRecordOfEarlierVersionsIsServedAtOnceAndMovedToOneGrainPerName()
    {
        await using var silo = await MarketplaceTestSilo.StartAsync();
        var owner = CatalogKit.AddressOf(ProgramsSiloFixture.DeployerKey);
        var other = CatalogKit.AddressOf(CatalogKit.Key(7));

        // The record as earlier versions wrote it: deploy order, one list; "Shared" and "shared" are one name whose
        // first deployer owns it. 40 names, so the move takes several batches.
        var legacy = new List<ProgramInfo>();
        for (var i = 0; i < 40; i++)
        {
            legacy.Add(Legacy($"old-{i:00}", "1.0.0", i % 2 == 0 ? owner : other));
        }

        legacy.Add(Legacy("old-00", "1.1.0", owner));
        legacy.Add(Legacy("Shared", "1.0.0", owner));
        legacy.Add(Legacy("shared", "2.0.0", owner));
        var storage = silo.Services.GetRequiredKeyedService<IGrainStorage>("Default");
        var catalogId = silo.Grains.GetGrain<IProgramCatalogGrain>(IProgramCatalogGrain.DefaultKey).GetGrainId();
        await storage.WriteStateAsync(CatalogState, catalogId, new GrainState<ProgramCatalogRecord>(new ProgramCatalogRecord { Programs = legacy }));

        // The first call already resolves, whether or not the move has reached the name.
        Assert.Equal(legacy[^3].Id, (await ProgramReferences.ResolveAsync(silo.Grains, "old-00")).Id);
        Assert.Equal(legacy[^2].Id, (await ProgramReferences.ResolveAsync(silo.Grains, "Shared@latest")).Id);
        Assert.Equal(legacy[^1].Id, (await ProgramReferences.ResolveAsync(silo.Grains, "shared")).Id);
        var all = (await CatalogKit.PagesAsync(silo.Grains, 7)).SelectMany(p => p.Items).Select(p => p.Id).ToList();
        Assert.Equal(CatalogKit.InCatalogOrder(legacy).Select(p => p.Id), all);

        // Ownership moved with the versions: the first deployer of a name owns it.
        var name = await silo.Grains.GetGrain<IProgramNameGrain>("old-01").GetAsync();
        Assert.Equal(other, name!.Owner);
        var refused = await Assert.ThrowsAsync<ProgramRejectedException>(() => CatalogKit.DeployAsync(silo.Grains, "old-01", "9.0.0"));
        Assert.Contains($"'old-01' belongs to deployer {other}", refused.Message, StringComparison.Ordinal);
        var next = await CatalogKit.DeployAsync(silo.Grains, "old-00", "2.0.0");
        Assert.Equal(next.Id, (await ProgramReferences.ResolveAsync(silo.Grains, "old-00")).Id);
        var taken = await Assert.ThrowsAsync<ProgramRejectedException>(() => CatalogKit.DeployAsync(silo.Grains, "old-02", "1.0.0"));
        Assert.Contains("old-02@1.0.0 is already deployed", taken.Message, StringComparison.Ordinal);

        // The move ends with the old list emptied; wait for that write (bounded), not for a fixed time.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        var stored = new GrainState<ProgramCatalogRecord>();
        while (true)
        {
            await storage.ReadStateAsync(CatalogState, catalogId, stored);
            if (stored.State?.Programs.Count == 0 || DateTime.UtcNow > deadline)
            {
                break;
            }

            await Task.Delay(50);
        }

        Assert.Empty(stored.State!.Programs);
        Assert.Equal(41, stored.State.Names.Count);

        // After a restart everything comes from the name grains' own records.
        await silo.RestartAsync();
        var after = (await CatalogKit.PagesAsync(silo.Grains, PageLimits.Max)).SelectMany(p => p.Items).Select(p => p.Id).ToList();
        Assert.Equal(CatalogKit.InCatalogOrder([.. legacy, next]).Select(p => p.Id), after);
        Assert.Equal(other, (await silo.Grains.GetGrain<IProgramNameGrain>("old-01").GetAsync())!.Owner);
    }

    private static ProgramInfo Legacy(string name, string version, string deployer) => new()
    {
        Id = "prog" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(name + "@" + version))),
        Manifest = new ProgramManifest { Name = name, Version = version },
        Deployer = deployer,
        ModuleSize = 100,
        DeployedAt = DateTimeOffset.UnixEpoch,
    };
}
