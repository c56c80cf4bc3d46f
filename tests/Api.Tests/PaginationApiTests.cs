using System.Net.Http.Json;
using System.Text.Json;
using Marketplace.GrainInterfaces;
using Marketplace.GrainInterfaces.Json;
using Xunit;

namespace Marketplace.Api.Tests;

/// <summary>Every list endpoint answers a page and <c>next_cursor</c>; walking the pages at any limit gives the same
/// entries once, in order; a limit out of range or a cursor that is not the list's own is 400 naming the parameter.</summary>
[Collection(ApiCollection.Name)]
public sealed class PaginationApiTests(ApiSiloFixture fixture)
{
    private readonly ApiTestSilo _silo = fixture.Silo;

    [Fact]
    public async Task Program_pages_at_limit_1_give_the_same_catalog_as_the_largest_pages()
    {
        using var http = _silo.NewHttpClient(ApiTestSilo.AliceKey);
        var prefix = "page-" + Guid.NewGuid().ToString("N")[..6];
        var ids = new List<string>();
        foreach (var name in new[] { prefix + "-b", prefix + "-a" })
        {
            foreach (var version in new[] { "2.0.0", "1.0.0" })
            {
                using var deployed = await JobApiTests.PostJsonAsync(http, "v1/programs", SamplePrograms.Echo(name, version));
                ids.Add((await deployed.Content.ReadFromJsonAsync<ProgramInfo>(MarketplaceJson.Options))!.Id);
            }
        }

        var byOne = await WalkAsync(http, "v1/programs", "programs", 1);
        var byMax = await WalkAsync(http, "v1/programs", "programs", PageLimits.Max);
        Assert.Equal(byMax, byOne);
        Assert.Equal(byOne.Count, byOne.Distinct().Count());
        Assert.Equal([ids[3], ids[2], ids[1], ids[0]], byOne.Where(ids.Contains));

        var versions = await WalkAsync(http, $"v1/programs/{prefix.ToUpperInvariant()}-A/versions", "programs", 1);
        Assert.Equal([ids[3], ids[2]], versions);
        await ProblemAssert.IsProblemAsync(await http.GetAsync($"v1/programs/{prefix}-none/versions"), 404, "program_not_found");
        var notAName = await ProblemAssert.IsProblemAsync(await http.GetAsync($"v1/programs/{prefix}@1.0.0/versions"), 400, "invalid_request");
        Assert.StartsWith("name: ", notAName.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Job_worker_and_log_pages_at_limit_1_give_the_whole_lists()
    {
        using var http = _silo.NewHttpClient(ApiTestSilo.BobKey);
        var name = "page-jobs-" + Guid.NewGuid().ToString("N")[..6];
        (await JobApiTests.PostJsonAsync(http, "v1/programs", SamplePrograms.Echo(name))).EnsureSuccessStatusCode();
        var submitted = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var job = await JobApiTests.SubmitAsync(http, new JobSubmission { Program = name, InputInline = [(byte)('a' + i)] });
            submitted.Add((await JobApiTests.WaitAsync(http, job.JobId)).JobId);
        }

        var jobs = await WalkAsync(http, "v1/jobs", "jobs", 1);
        Assert.Equal(await WalkAsync(http, "v1/jobs", "jobs", PageLimits.Max), jobs);
        Assert.Equal([submitted[2], submitted[1], submitted[0]], jobs.Take(3));

        var logs = await WalkAsync(http, $"v1/jobs/{submitted[0]}/logs", "logs", 1, line => line.GetProperty("timestamp").GetString() + line.GetProperty("message").GetString());
        Assert.Equal(await WalkAsync(http, $"v1/jobs/{submitted[0]}/logs", "logs", PageLimits.Max, line => line.GetProperty("timestamp").GetString() + line.GetProperty("message").GetString()), logs);
        Assert.True(logs.Count >= 3, string.Join(" | ", logs));

        var workers = await WalkAsync(http, "v1/workers", "workers", 1, w => w.GetProperty("worker_id").GetString()!);
        Assert.True(workers.Count >= 2, string.Join(", ", workers));
        Assert.Equal(workers.Order(StringComparer.Ordinal), workers);

        // A cursor belongs to the listing that issued it, status filter included.
        using var completed = JsonDocument.Parse(await http.GetStringAsync("v1/jobs?status=completed&limit=1"));
        var cursor = completed.RootElement.GetProperty("next_cursor").GetString()!;
        var other = await ProblemAssert.IsProblemAsync(await http.GetAsync($"v1/jobs?status=failed&cursor={cursor}"), 400, "invalid_request");
        Assert.Equal("cursor: it was issued for status completed, not for status failed", other.GetProperty("detail").GetString());
        var foreign = await ProblemAssert.IsProblemAsync(await http.GetAsync($"v1/workers?cursor={cursor}"), 400, "invalid_request");
        Assert.Equal("cursor: it was issued by another list (jobs), not by this one (workers)", foreign.GetProperty("detail").GetString());
    }

    [Theory]
    [InlineData("v1/programs")]
    [InlineData("v1/jobs")]
    [InlineData("v1/workers")]
    [InlineData("v1/jobs?status=completed")]
    public async Task Limits_out_of_range_and_malformed_cursors_are_400_invalid_request(string path)
    {
        using var http = _silo.NewHttpClient(ApiTestSilo.AliceKey);
        var separator = path.Contains('?', StringComparison.Ordinal) ? "&" : "?";
        foreach (var limit in new[] { "0", "1001", "-1", "ten", "1.5", "99999999999" })
        {
            var problem = await ProblemAssert.IsProblemAsync(await http.GetAsync($"{path}{separator}limit={limit}"), 400, "invalid_request");
            Assert.StartsWith("limit: ", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        foreach (var cursor in new[] { "", "garbage", "AQhwcm9ncmFtcwM", "%00", new string('A', 600), PageCursor.Encode("other", "x") })
        {
            var problem = await ProblemAssert.IsProblemAsync(await http.GetAsync($"{path}{separator}cursor={Uri.EscapeDataString(cursor)}"), 400, "invalid_request");
            Assert.StartsWith("cursor: ", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        using var page = JsonDocument.Parse(await http.GetStringAsync($"{path}{separator}limit=1000"));
        Assert.True(page.RootElement.TryGetProperty("next_cursor", out var next), page.RootElement.ToString());
        Assert.Equal(JsonValueKind.Null, next.ValueKind);
    }

    /// <summary>Follows <c>next_cursor</c> from the first page of <paramref name="path"/> and returns each entry's key
    /// (default: its <c>id</c> or <c>job_id</c>); checks every page's size and that only the last lacks a cursor.</summary>
    private static async Task<List<string>> WalkAsync(HttpClient http, string path, string list, int limit, Func<JsonElement, string>? key = null)
    {
        key ??= e => (e.TryGetProperty("job_id", out var job) ? job : e.GetProperty("id")).GetString()!;
        var separator = path.Contains('?', StringComparison.Ordinal) ? "&" : "?";
        var keys = new List<string>();
        string? cursor = null;
        do
        {
            var url = $"{path}{separator}limit={limit}" + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor));
            using var page = JsonDocument.Parse(await http.GetStringAsync(url));
            var items = page.RootElement.GetProperty(list);
            Assert.InRange(items.GetArrayLength(), 0, limit);
            keys.AddRange(items.EnumerateArray().Select(key));
            cursor = page.RootElement.GetProperty("next_cursor").GetString();
            if (cursor is not null)
            {
                Assert.Equal(limit, items.GetArrayLength());
            }
        }
        while (cursor is not null);
        return keys;
    }
}
