using System.Reflection;
using System.Text;
using System.Text.Json.Nodes;
using Marketplace.Api.Tests.Cli;
using Marketplace.Cli.Connection;
using Marketplace.GrainInterfaces;
using Marketplace.Sdk;
using Xunit;

namespace Marketplace.Api.Tests;

/// <summary><c>marketplace reputation --from DIR --registry FILE</c>: a worker's events rebuilt from the receipts a
/// client holds, offline, and checked against the silo's list with <c>--recompute</c>.</summary>
[Collection(ApiCollection.Name)]
public sealed class ReputationProofApiTests(ApiSiloFixture fixture) : IDisposable
{
    private readonly ApiTestSilo _silo = fixture.Silo;
    private readonly string _folder = Directory.CreateTempSubdirectory("marketplace-cli-proofs-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task The_receipts_a_client_holds_prove_the_workers_events_and_the_silo_lists_each_of_them()
    {
        var (worker, aggregated, registryFile, proofs) = await CommitteeJobProofsAsync();
        var cli = Cli();

        // Offline: the URL points nowhere.
        var offline = await new CliRunner().With("MARKETPLACE_URL", "http://127.0.0.1:1/")
            .RunAsync("--json", "reputation", worker, "--from", proofs, "--registry", registryFile, "--at", "2030-01-01T00:00:00Z");
        Assert.True(offline.ExitCode == 0, offline.ToString());
        var node = JsonNode.Parse(offline.Output)!;
        var ids = node["events"]!.AsArray().Select(e => e!["event_id"]!.GetValue<string>()).ToList();
        var job = aggregated.Receipt.JobId;
        var attempt = aggregated.Receipt.Attempt;
        Assert.Contains(ReputationEventIds.ForAttempt(job, attempt, ReputationEventKind.VerifiedResult), ids);
        Assert.Contains(ReputationEventIds.ForAttempt(job, attempt, ReputationEventKind.Success), ids);
        Assert.All(node["events"]!.AsArray(), e => Assert.Equal(Convert.ToHexStringLower(aggregated.ReceiptHash), e!["hash"]!.GetValue<string>()));
        Assert.Empty(node["rejected"]!.AsArray());
        Assert.InRange(node["score"]!.GetValue<double>(), 0.8, 1);

        // Against the silo: every proven event is in its list (or older than its checkpoint).
        var checkedRun = await cli.RunAsync("--json", "reputation", worker, "--recompute", "--from", proofs, "--registry", registryFile);
        Assert.True(checkedRun.ExitCode == 0, checkedRun.ToString());
        var proven = JsonNode.Parse(checkedRun.Output)!["recomputed"]!["proven"]!;
        Assert.Equal(ids.Count, proven["events"]!.GetValue<int>());
        Assert.Equal(ids.Count, proven["held"]!.GetValue<int>() + proven["folded"]!.GetValue<int>());
        Assert.Empty(proven["missing_from_silo"]!.AsArray());

        var text = await cli.RunAsync("reputation", worker, "--recompute", "--from", proofs, "--registry", registryFile);
        Assert.True(text.ExitCode == 0, text.ToString());
        Assert.Matches(@"not held\s+none", text.Output);
    }

    [Fact]
    public async Task A_silo_that_leaves_out_a_proven_event_is_caught_with_exit_thirteen()
    {
        var (worker, aggregated, registryFile, proofs) = await CommitteeJobProofsAsync();
        var hidden = ReputationEventIds.ForAttempt(aggregated.Receipt.JobId, aggregated.Receipt.Attempt, ReputationEventKind.VerifiedResult);
        var cli = new CliRunner(new HidingFactory(_silo.BaseAddress, hidden)).With("MARKETPLACE_URL", _silo.BaseAddress.ToString()).With("MARKETPLACE_API_KEY", ApiTestSilo.AliceKey);

        var result = await cli.RunAsync("reputation", worker, "--recompute", "--from", proofs, "--registry", registryFile);
        Assert.True(result.ExitCode == 13, result.ToString());
        Assert.Contains($"NO: the silo does not list 1 event your files prove: {hidden}", result.Output.ReplaceLineEndings(" "), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Files_that_do_not_check_are_named_and_bad_options_are_usage_errors()
    {
        var (worker, aggregated, registryFile, proofs) = await CommitteeJobProofsAsync();
        var tampered = JsonNode.Parse(AggregatedReceiptJson.Serialize(aggregated))!;
        tampered["receipt"]!["fuel_consumed"] = aggregated.Receipt.FuelConsumed + 1;
        await File.WriteAllTextAsync(Path.Combine(proofs, "tampered.json"), tampered.ToJsonString());
        await File.WriteAllTextAsync(Path.Combine(proofs, "notes.json"), "not json at all");
        await File.WriteAllBytesAsync(Path.Combine(proofs, "huge.json"), new byte[(1 << 20) + 1]);
        await File.WriteAllTextAsync(Path.Combine(proofs, "ignored.txt"), "not a .json file");
        var offline = new CliRunner().With("MARKETPLACE_URL", "http://127.0.0.1:1/");

        var run = await offline.RunAsync("reputation", worker, "--from", proofs, "--registry", registryFile);
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("rejected huge.json: too_large: ", run.Error, StringComparison.Ordinal);
        Assert.Contains("rejected notes.json: unknown_kind: ", run.Error, StringComparison.Ordinal);
        Assert.Contains("rejected tampered.json: hash_mismatch: ", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("ignored.txt", run.Error, StringComparison.Ordinal);
        Assert.Matches(@"verified results\s+1\s", run.Output);

        Assert.Equal(1, (await offline.RunAsync("reputation", worker, "--from", proofs)).ExitCode);
        Assert.Equal(1, (await offline.RunAsync("reputation", worker, "--from", Path.Combine(_folder, "none"), "--registry", registryFile)).ExitCode);
        Assert.Equal(1, (await offline.RunAsync("reputation", worker, "--from", registryFile, "--registry", registryFile)).ExitCode);
        Assert.Equal(1, (await offline.RunAsync("reputation", worker, "--from", proofs, "--registry", Path.Combine(proofs, "notes.json"))).ExitCode);
        Assert.Equal(1, (await offline.RunAsync("reputation", worker, "--from", proofs, "--registry", registryFile, "--at", "yesterday")).ExitCode);
        Assert.Equal(1, (await offline.RunAsync("reputation", worker, "--registry", registryFile)).ExitCode);
        Assert.Equal(1, (await Cli().RunAsync("reputation", worker, "--recompute", "--from", proofs, "--registry", registryFile, "--at", "2030-01-01T00:00:00Z")).ExitCode);
    }

    private CliRunner Cli() => new CliRunner().With("MARKETPLACE_URL", _silo.BaseAddress.ToString()).With("MARKETPLACE_API_KEY", ApiTestSilo.AliceKey);

    /// <summary>Runs a job with a committee of one, writes its aggregated receipt into a fresh proofs folder and the
    /// registry beside it; the worker is the receipt's executor.</summary>
    private async Task<(string Worker, AggregatedReceipt Aggregated, string RegistryFile, string Proofs)> CommitteeJobProofsAsync()
    {
        using var alice = _silo.NewHttpClient(ApiTestSilo.AliceKey);
        var name = "echo-proofs-" + Guid.NewGuid().ToString("N")[..8];
        (await JobApiTests.PostJsonAsync(alice, "v1/programs", SamplePrograms.Echo(name))).EnsureSuccessStatusCode();
        var job = await JobApiTests.WaitAsync(alice, (await JobApiTests.SubmitAsync(alice, new JobSubmission { Program = name, InputInline = Encoding.UTF8.GetBytes("proofs"), CommitteeSize = 1 })).JobId);
        Assert.Equal(JobStatus.Completed, job.Status);
        Assert.Equal(VerificationState.Verified, job.Verification!.State);

        var proofs = Directory.CreateDirectory(Path.Combine(_folder, Guid.NewGuid().ToString("N")[..8])).FullName;
        var registryFile = Path.Combine(_folder, Path.GetFileName(proofs) + "-registry.json");
        var cli = Cli();
        var written = await cli.RunAsync("job-receipt", "--id", job.JobId, "--kind", "aggregated", "--out", Path.Combine(proofs, "aggregated.json"));
        Assert.True(written.ExitCode == 0, written.ToString());
        Assert.Equal(0, (await cli.RunAsync("workers", "registry", "--out", registryFile)).ExitCode);
        var aggregated = AggregatedReceiptJson.Parse(await File.ReadAllBytesAsync(Path.Combine(proofs, "aggregated.json")));
        var executor = aggregated.Members.Single(m => m.Role == CommitteeRole.Executor).WorkerId;
        return (executor, aggregated, registryFile, proofs);
    }

    /// <summary>Connects to the real API through a client that leaves one event out of every reputation event page.</summary>
    private sealed class HidingFactory(Uri baseAddress, string hiddenEventId) : IMarketplaceClientFactory
    {
        public Task<ConnectedClient> ConnectAsync(ConnectionSettings settings, CancellationToken cancellationToken)
        {
            var proxy = DispatchProxy.Create<IMarketplaceClient, HidingClient>();
            ((HidingClient)(object)proxy).Inner = new HttpMarketplaceClient(baseAddress, ApiTestSilo.AliceKey);
            ((HidingClient)(object)proxy).Hidden = hiddenEventId;
            return Task.FromResult(new ConnectedClient(proxy, null));
        }
    }

    /// <summary>Forwards every call, dropping one event from the reputation event pages.</summary>
    public class HidingClient : DispatchProxy
    {
        internal IMarketplaceClient Inner { get; set; } = null!;

        internal string Hidden { get; set; } = "";

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            var result = targetMethod!.Invoke(Inner, args);
            return targetMethod.Name == nameof(IMarketplaceClient.ListWorkerReputationEventsAsync)
                ? HideAsync((Task<Page<ReputationEvent>>)result!)
                : result;
        }

        private async Task<Page<ReputationEvent>> HideAsync(Task<Page<ReputationEvent>> page)
        {
            var listed = await page;
            return new Page<ReputationEvent> { Items = [.. listed.Items.Where(e => e.EventId != Hidden)], NextCursor = listed.NextCursor };
        }
    }
}
