using Marketplace.GrainInterfaces;
using Xunit;
using Xunit.Abstractions;

namespace Marketplace.Grains.Tests.Programs;

/// <summary>The catalog stored per name and listed page by page: every entry exactly once, in order, at any page size;
/// cursors that stay valid while names are added; the edges of limits and cursors. Each test starts its own silo, so
/// the catalog holds exactly what the test deployed.</summary>
public sealed class ProgramCatalogPagingTests(ITestOutputHelper output)
{
    private static readonly string[] VersionPool = ["0.1.0", "1.0.0-rc.1", "1.0.0", "1.2.0", "1.10.0", "2.0.0"];

    [Fact]
    public async Task ManyVersionsOfManyNamesListEveryEntryOnceInOrderAtEveryPageSize()
    {
        var seed = 20261201;
        output.WriteLine($"seed {seed}");
        var random = new Random(seed);
        await using var silo = await MarketplaceTestSilo.StartAsync();
        var deployed = new List<ProgramInfo>();
        for (var i = 0; i < 24; i++)
        {
            var name = $"n{random.Next(100):00}-{(char)('a' + random.Next(26))}{i}";
            var versions = VersionPool.OrderBy(_ => random.Next()).Take(random.Next(1, 5)).ToList();
            foreach (var version in versions)
            {
                deployed.Add(await CatalogKit.DeployAsync(silo.Grains, name, version));
            }

            if (i % 6 == 0)
            {
                // Another letter case of the name: the same catalog entry, listed next to it.
                deployed.Add(await CatalogKit.DeployAsync(silo.Grains, name.ToUpperInvariant(), "3.0.0"));
            }
        }

        var expected = CatalogKit.InCatalogOrder(deployed).Select(p => p.Id).ToList();
        output.WriteLine($"{deployed.Count} versions under {deployed.Select(p => p.Manifest.Name.ToLowerInvariant()).Distinct().Count()} names");
        foreach (var limit in new[] { 1, 2, 7, 50, PageLimits.Max })
        {
            var pages = await CatalogKit.PagesAsync(silo.Grains, limit);
            Assert.Equal(expected, pages.SelectMany(p => p.Items).Select(p => p.Id).ToList());
            Assert.All(pages.SkipLast(1), p => Assert.True(p.Items.Count == limit && p.NextCursor is not null, $"limit {limit}: a page before the last has {p.Items.Count} entries"));
            Assert.Null(pages[^1].NextCursor);
            Assert.InRange(pages[^1].Items.Count, 1, limit);
        }

        // One name's versions, all its letter cases, page by page.
        var upper = deployed.First(p => p.Manifest.Name.Any(char.IsAsciiLetterUpper)).Manifest.Name;
        var ofName = CatalogKit.InCatalogOrder(deployed.Where(p => string.Equals(p.Manifest.Name, upper, StringComparison.OrdinalIgnoreCase))).Select(p => p.Id).ToList();
        var walked = new List<string>();
        string? cursor = null;
        do
        {
            var page = await Listings.ProgramVersionsAsync(silo.Grains, upper.ToLowerInvariant(), cursor, 1);
            walked.AddRange(page.Items.Select(p => p.Id));
            cursor = page.NextCursor;
        }
        while (cursor is not null);
        Assert.Equal(ofName, walked);
    }

    [Fact]
    public async Task ACursorStaysValidWhileNamesAndVersionsAreAdded()
    {
        await using var silo = await MarketplaceTestSilo.StartAsync();
        foreach (var name in new[] { "b", "d", "f" })
        {
            await CatalogKit.DeployAsync(silo.Grains, name, "1.0.0");
            await CatalogKit.DeployAsync(silo.Grains, name, "2.0.0");
        }

        var first = await Listings.ProgramsAsync(silo.Grains, null, 3);
        Assert.Equal(["b@1.0.0", "b@2.0.0", "d@1.0.0"], first.Items.Select(Ref));

        // Added before the cursor's position: never listed by the pages after it. Added after it: listed once.
        await CatalogKit.DeployAsync(silo.Grains, "a", "1.0.0");
        await CatalogKit.DeployAsync(silo.Grains, "c", "1.0.0");
        await CatalogKit.DeployAsync(silo.Grains, "d", "0.5.0");
        await CatalogKit.DeployAsync(silo.Grains, "d", "1.5.0");
        await CatalogKit.DeployAsync(silo.Grains, "e", "1.0.0");
        await CatalogKit.DeployAsync(silo.Grains, "z", "1.0.0");

        var rest = await CatalogKit.PagesAsync(silo.Grains, 2, first.NextCursor);
        Assert.Equal(["d@1.5.0", "d@2.0.0", "e@1.0.0", "f@1.0.0", "f@2.0.0", "z@1.0.0"], rest.SelectMany(p => p.Items).Select(Ref));

        // The same cursor again gives the same continuation: a cursor is a position, not a snapshot or a session.
        var again = await CatalogKit.PagesAsync(silo.Grains, 2, first.NextCursor);
        Assert.Equal(rest.SelectMany(p => p.Items).Select(p => p.Id), again.SelectMany(p => p.Items).Select(p => p.Id));
    }

    [Fact]
    public async Task AnEmptyCatalogIsOnePageWithoutACursor()
    {
        await using var silo = await MarketplaceTestSilo.StartAsync();
        var page = await Listings.ProgramsAsync(silo.Grains, null, 1);
        Assert.Empty(page.Items);
        Assert.Null(page.NextCursor);
        Assert.Empty(await silo.Grains.GetGrain<IProgramCatalogGrain>(IProgramCatalogGrain.DefaultKey).ListNamesAsync(null, PageLimits.Max + 1));
        await Assert.ThrowsAsync<ProgramNotFoundException>(() => Listings.ProgramVersionsAsync(silo.Grains, "nothing", null, 10));
        Assert.Null(await silo.Grains.GetGrain<IProgramNameGrain>("nothing").GetAsync());
    }

    [Fact]
    public async Task LimitsAndCursorsOutsideTheRulesAreInvalidRequestsNamingTheParameter()
    {
        await using var silo = await MarketplaceTestSilo.StartAsync();
        await CatalogKit.DeployAsync(silo.Grains, "edge", "1.0.0");
        await CatalogKit.DeployAsync(silo.Grains, "edge", "2.0.0");
        foreach (var limit in new[] { 0, -1, PageLimits.Max + 1 })
        {
            var e = await Assert.ThrowsAsync<InvalidRequestException>(() => Listings.ProgramsAsync(silo.Grains, null, limit));
            Assert.StartsWith("limit: ", e.Message, StringComparison.Ordinal);
        }

        var valid = (await Listings.ProgramsAsync(silo.Grains, null, 1)).NextCursor!;
        var workersCursor = PageCursor.Encode(Listings.WorkersList, "w1");
        var versionsCursor = PageCursor.Encode(Listings.ProgramVersionsList, "edge", "edge", "1.0.0");
        var badVersion = PageCursor.Encode(Listings.ProgramsList, "edge", "edge", "not-a-version");
        var otherName = PageCursor.Encode(Listings.ProgramsList, "edge", "Other", "1.0.0");
        foreach (var cursor in new[] { "garbage!", "AAAA", valid[..^2], valid + "A", workersCursor, versionsCursor, badVersion, otherName, new string('A', PageCursor.MaxLength + 4) })
        {
            var e = await Assert.ThrowsAsync<InvalidRequestException>(() => Listings.ProgramsAsync(silo.Grains, cursor, 10));
            Assert.StartsWith("cursor: ", e.Message, StringComparison.Ordinal);
        }

        var foreign = await Assert.ThrowsAsync<InvalidRequestException>(() => Listings.ProgramVersionsAsync(silo.Grains, "other", versionsCursor, 10));
        Assert.Equal("cursor: it was issued for the versions of 'edge', not of 'other'", foreign.Message);
        var wrongList = await Assert.ThrowsAsync<InvalidRequestException>(() => Listings.ProgramsAsync(silo.Grains, workersCursor, 10));
        Assert.Equal("cursor: it was issued by another list (workers), not by this one (programs)", wrongList.Message);

        // Limit 1 walks the two versions in two pages.
        var second = await Listings.ProgramsAsync(silo.Grains, valid, 1);
        Assert.Equal("2.0.0", Assert.Single(second.Items).Manifest.Version);
        Assert.Null(second.NextCursor);
    }

    private static string Ref(ProgramInfo p) => $"{p.Manifest.Name}@{p.Manifest.Version}";
}
