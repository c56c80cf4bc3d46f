using System.Net.Http.Json;
using System.Reflection;
using System.Text.Json;
using Marketplace.Api.Tests.Cli;
using Marketplace.Cli.Connection;
using Marketplace.GrainInterfaces;
using Marketplace.GrainInterfaces.Json;
using Marketplace.Sdk;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Marketplace.Api.Tests;

/// <summary><c>GET /v1/workers/{id}/reputation[/events]</c>, the sdk's grain client, and <c>marketplace reputation</c>.</summary>
[Collection(ApiCollection.Name)]
public sealed class ReputationApiTests(ApiSiloFixture fixture)
{
    private IGrainFactory Grains => fixture.Silo.App.Services.GetRequiredService<IGrainFactory>();

    /// <summary>A registered worker of the shared silo with a few more events (successes keep its score above any
    /// minimum, so other tests still match on it).</summary>
    private async Task<string> WorkerWithEventsAsync()
    {
        using var http = fixture.Silo.NewHttpClient(ApiTestSilo.AliceKey);
        var workers = (await http.GetFromJsonAsync<WorkerList>("v1/workers", MarketplaceJson.Options))!;
        var worker = workers.Workers[^1].WorkerId;
        var reputation = Grains.GetGrain<IReputationGrain>(worker);
        for (var i = 0; i < 4; i++)
        {
            await reputation.RecordAsync(new ReputationEvent { EventId = "api-test-" + Guid.NewGuid().ToString("N"), WorkerId = worker, Kind = ReputationEventKind.Success, LatencyMs = 100 + i, Hash = "00ff" });
        }

        await reputation.RecordAsync(new ReputationEvent { EventId = "api-test-" + Guid.NewGuid().ToString("N"), WorkerId = worker, Kind = ReputationEventKind.Unavailable });
        return worker;
    }

    [Fact]
    public async Task TheReputationAndItsEventsAreServedAndUnknownWorkersAreNotFound()
    {
        var worker = await WorkerWithEventsAsync();
        using var http = fixture.Silo.NewHttpClient(ApiTestSilo.AliceKey);
        using var body = JsonDocument.Parse(await http.GetStringAsync($"v1/workers/{worker}/reputation"));
        var root = body.RootElement;
        Assert.Equal(worker, root.GetProperty("worker_id").GetString());
        Assert.InRange(root.GetProperty("score").GetDouble(), 0.5, 1);
        Assert.True(root.GetProperty("counts").GetProperty("successes").GetInt64() >= 4);
        Assert.True(root.GetProperty("counts").GetProperty("unavailable").GetInt64() >= 1);
        Assert.Equal(JsonValueKind.Null, root.GetProperty("banned_until").ValueKind);
        Assert.True(root.GetProperty("event_count").GetInt64() >= 5);

        var events = new List<ReputationEvent>();
        string? cursor = null;
        do
        {
            var page = (await http.GetFromJsonAsync<ReputationEventList>($"v1/workers/{worker}/reputation/events?limit=2" + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor)), MarketplaceJson.Options))!;
            Assert.InRange(page.Events.Count, 1, 2);
            events.AddRange(page.Events);
            cursor = page.NextCursor;
        }
        while (cursor is not null);
        Assert.Equal(events.Select(e => e.Sequence).Order(), events.Select(e => e.Sequence));
        Assert.Contains(events, e => e.Kind == ReputationEventKind.Unavailable);

        await ProblemAssert.IsProblemAsync(await http.GetAsync("v1/workers/no-such-worker/reputation"), 404, "worker_not_found");
        await ProblemAssert.IsProblemAsync(await http.GetAsync("v1/workers/no-such-worker/reputation/events"), 404, "worker_not_found");
        await ProblemAssert.IsProblemAsync(await http.GetAsync($"v1/workers/{worker}/reputation/events?limit=0"), 400, "invalid_request");
        await ProblemAssert.IsProblemAsync(await http.GetAsync($"v1/workers/{worker}/reputation/events?cursor=nonsense"), 400, "invalid_request");
        var otherList = PageCursor.Encode(Listings.WorkersList, "w1");
        await ProblemAssert.IsProblemAsync(await http.GetAsync($"v1/workers/{worker}/reputation/events?cursor={otherList}"), 400, "invalid_request");
    }

    [Fact]
    public async Task TheGrainClientGivesTheSameReputation()
    {
        var worker = await WorkerWithEventsAsync();
        var grains = new GrainMarketplaceClient(Grains, "alice");
        // The worker is live, so events may land between two reads: the HTTP answer lies between a grain read before
        // it and one after it.
        var before = await grains.GetWorkerReputationAsync(worker);
        using var http = fixture.Silo.NewClient();
        var viaHttp = await http.GetWorkerReputationAsync(worker);
        var after = await grains.GetWorkerReputationAsync(worker);
        Assert.InRange(viaHttp.EventCount, before.EventCount, after.EventCount);
        Assert.InRange(viaHttp.Counts.Successes, before.Counts.Successes, after.Counts.Successes);
        Assert.True(before.EventCount >= 5, $"{before.EventCount} events");
        var page = await grains.ListWorkerReputationEventsAsync(worker, null, 3);
        Assert.Equal(3, page.Items.Count);
        await Assert.ThrowsAsync<WorkerNotFoundException>(() => grains.GetWorkerReputationAsync("no-such-worker"));
        await Assert.ThrowsAsync<WorkerNotFoundException>(() => http.GetWorkerReputationAsync("no-such-worker"));
    }

    [Fact]
    public async Task TheCliShowsTheReputationAndItsRecomputationAgrees()
    {
        var worker = await WorkerWithEventsAsync();
        var cli = new CliRunner().With("MARKETPLACE_URL", fixture.Silo.BaseAddress.ToString()).With("MARKETPLACE_API_KEY", ApiTestSilo.AliceKey);
        var shown = await cli.RunAsync("reputation", worker);
        Assert.True(shown.ExitCode == 0, shown.ToString());
        Assert.Matches(@"score\s+0\.\d{3}\s", shown.Output);
        Assert.Matches(@"banned\s+no", shown.Output);

        var recomputed = await cli.RunAsync("reputation", worker, "--recompute", "--json");
        Assert.True(recomputed.ExitCode == 0, recomputed.ToString());
        using var json = JsonDocument.Parse(recomputed.Output);
        var reported = json.RootElement.GetProperty("reputation").GetProperty("score").GetDouble();
        Assert.Equal(reported, json.RootElement.GetProperty("recomputed").GetProperty("score").GetDouble(), 9);
        Assert.True(json.RootElement.GetProperty("recomputed").GetProperty("matches").GetBoolean());

        var missing = await cli.RunAsync("reputation", "no-such-worker");
        Assert.Equal(2, missing.ExitCode);
        Assert.StartsWith("error worker_not_found: ", missing.ErrorLine, StringComparison.Ordinal);
        Assert.Equal(1, (await cli.RunAsync("reputation")).ExitCode);
    }

    [Fact]
    public async Task TheCliExitsThirteenWhenTheReportedScoreDoesNotFollowFromTheEvents()
    {
        var worker = await WorkerWithEventsAsync();
        var cli = new CliRunner(new TamperingFactory(fixture.Silo.BaseAddress)).With("MARKETPLACE_URL", fixture.Silo.BaseAddress.ToString()).With("MARKETPLACE_API_KEY", ApiTestSilo.AliceKey);
        var result = await cli.RunAsync("reputation", worker, "--recompute");
        Assert.True(result.ExitCode == 13, result.ToString());
        Assert.Contains("NO: the reported score differs", result.Output, StringComparison.Ordinal);
    }

    /// <summary>Connects to the real API through a client that reports every score 0.01 too high.</summary>
    private sealed class TamperingFactory(Uri baseAddress) : IMarketplaceClientFactory
    {
        public Task<ConnectedClient> ConnectAsync(ConnectionSettings settings, CancellationToken cancellationToken)
        {
            var inner = new HttpMarketplaceClient(baseAddress, ApiTestSilo.AliceKey);
            var proxy = DispatchProxy.Create<IMarketplaceClient, TamperingClient>();
            ((TamperingClient)(object)proxy).Inner = inner;
            return Task.FromResult(new ConnectedClient(proxy, null));
        }
    }

    /// <summary>Forwards every call, raising reported scores.</summary>
    public class TamperingClient : DispatchProxy
    {
        internal IMarketplaceClient Inner { get; set; } = null!;

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            var result = targetMethod!.Invoke(Inner, args);
            return targetMethod.Name == nameof(IMarketplaceClient.GetWorkerReputationAsync)
                ? RaiseAsync((Task<WorkerReputation>)result!)
                : result;
        }

        private static async Task<WorkerReputation> RaiseAsync(Task<WorkerReputation> reported)
        {
            var reputation = await reported;
            reputation.Score += 0.01;
            return reputation;
        }
    }
}
