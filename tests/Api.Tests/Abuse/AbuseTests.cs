using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Marketplace.GrainInterfaces;
using Marketplace.Sdk;
using Xunit;
using Xunit.Abstractions;

namespace Marketplace.Api.Tests.Abuse;

/// <summary>
/// Thousands of generated hostile requests against the shared silo, over raw TCP so framing can be broken too:
/// oversized headers and URIs, bad versions and chunk sizes, truncated and slow requests, JSON with wrong types,
/// extreme numbers in every numeric field, duplicate keys, unknown members, deep nesting and wrong charsets, malformed
/// and path-traversing ids, missing and wrong keys. Seeded: <c>MARKETPLACE_FUZZ_SEED</c> (default
/// <see cref="DefaultSeed"/>), count <c>MARKETPLACE_FUZZ_REQUESTS</c> (default <see cref="DefaultRequests"/>).
/// </summary>
[Collection(AbuseCollection.Name)]
public sealed class AbuseTests(ApiSiloFixture fixture, ITestOutputHelper output)
{
    /// <summary>The seed when <c>MARKETPLACE_FUZZ_SEED</c> is not set.</summary>
    public const int DefaultSeed = 20261123;

    /// <summary>The request count when <c>MARKETPLACE_FUZZ_REQUESTS</c> is not set.</summary>
    public const int DefaultRequests = 10_000;

    /// <summary>Longest any single exchange may take (a loaded 2-core machine included).</summary>
    public static readonly TimeSpan ExchangeBound = TimeSpan.FromSeconds(15);

    /// <summary>Bound on what the test process's working set grew by over the run (the silo runs in this process).
    /// The growth, as for the heap: what the process held before the run is other test classes' business.</summary>
    public const long WorkingSetGrowthBoundBytes = 768L * 1024 * 1024;

    /// <summary>Bound on what the managed heap grew by over the run, both measured after a full collection. The
    /// growth, not the whole heap: the test process also holds whatever the other test classes left alive.</summary>
    public const long ManagedHeapGrowthBoundBytes = 256L * 1024 * 1024;

    private const int Concurrency = 16;

    private readonly ApiTestSilo _silo = fixture.Silo;

    [Fact]
    public async Task Hostile_requests_get_problem_answers_and_leave_the_silo_serving()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("MARKETPLACE_FUZZ_SEED"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var s) ? s : DefaultSeed;
        var count = int.TryParse(Environment.GetEnvironmentVariable("MARKETPLACE_FUZZ_REQUESTS"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : DefaultRequests;
        Report($"fuzz seed {seed} (MARKETPLACE_FUZZ_SEED), {count} requests (MARKETPLACE_FUZZ_REQUESTS), concurrency {Concurrency}");

        var heapBefore = GC.GetTotalMemory(forceFullCollection: true);
        var workingSetBefore = Process.GetCurrentProcess().WorkingSet64;
        var targets = await CreateTargetsAsync();
        var requests = new HostileRequests(seed, targets);
        var forbidden = ForbiddenWords();
        var failures = new ConcurrentQueue<string>();
        var statuses = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var latencies = new double[count];
        var port = _silo.BaseAddress.Port;
        var clock = Stopwatch.StartNew();

        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = Concurrency }, async (index, _) =>
        {
            var exchange = requests.Create(index);
            var result = await RawHttp.RunAsync(port, exchange, ExchangeBound);
            latencies[index] = result.Elapsed.TotalMilliseconds;
            foreach (var problem in Check(exchange, result, forbidden))
            {
                failures.Enqueue($"#{index} [{exchange.Category}] {problem}\n    request: {exchange.Shown}");
            }

            foreach (var response in result.Responses)
            {
                statuses.AddOrUpdate($"{exchange.Category} {response.Status}", 1, (_, c) => c + 1);
            }
        });

        var elapsed = clock.Elapsed;
        Array.Sort(latencies);
        Report(string.Create(CultureInfo.InvariantCulture, $"{count} requests in {elapsed.TotalSeconds:0.0} s; latency p50 {latencies[count / 2]:0} ms, p99 {latencies[(int)(count * 0.99)]:0} ms, max {latencies[^1]:0} ms (bound {ExchangeBound.TotalSeconds:0} s)"));
        Report("responses by category and status: " + string.Join(", ", statuses.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}: {p.Value}")));
        Assert.True(failures.IsEmpty, $"{failures.Count} bad answers (seed {seed}); the first ones:\n" + string.Join("\n", failures.Take(25)));

        // The silo still serves a real job end to end.
        using var client = _silo.NewClient(ApiSiloFixture.FuzzKey);
        var name = "echo-after-fuzz-" + Guid.NewGuid().ToString("N")[..8];
        await client.DeployProgramAsync(SamplePrograms.Echo(name));
        var submitted = await client.SubmitJobAsync(new JobSubmission { Program = name, InputInline = Encoding.UTF8.GetBytes("still alive") });
        var job = await client.WaitForJobAsync(submitted.JobId, TimeSpan.FromSeconds(120));
        Assert.True(job.Status == JobStatus.Completed, $"the job after the fuzz run ended {job.Status}: {job.ErrorMessage}");
        var jobOutput = new MemoryStream();
        await client.GetJobOutputAsync(job.JobId, jobOutput);
        Assert.Equal("STILL ALIVE", Encoding.UTF8.GetString(jobOutput.ToArray()));

        // Alice's deal, named by the fuzzer throughout, is whole and listed for her alone.
        using var alice = _silo.NewClient(ApiTestSilo.AliceKey);
        Assert.Equal(DealState.Active, (await alice.GetDealAsync(targets.OtherDealId)).State);
        Assert.Equal("alice's deal", Encoding.UTF8.GetString(await alice.RetrieveAsync(targets.OtherDealId)));
        Assert.DoesNotContain((await client.ListDealsAsync(100)).Deals, d => d.DealId == targets.OtherDealId);

        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var managed = GC.GetTotalMemory(forceFullCollection: true);
        var workingSet = Process.GetCurrentProcess().WorkingSet64;
        Report($"after the run: managed heap {managed / (1024 * 1024)} MiB, {heapBefore / (1024 * 1024)} MiB before it (growth bound {ManagedHeapGrowthBoundBytes / (1024 * 1024)} MiB), working set {workingSet / (1024 * 1024)} MiB, {workingSetBefore / (1024 * 1024)} MiB before it (growth bound {WorkingSetGrowthBoundBytes / (1024 * 1024)} MiB)");
        Assert.True(managed - heapBefore < ManagedHeapGrowthBoundBytes, $"managed heap grew from {heapBefore} to {managed} bytes over the run");
        Assert.True(workingSet - workingSetBefore < WorkingSetGrowthBoundBytes, $"working set grew from {workingSetBefore} to {workingSet} bytes over the run");
    }

    // What every answer must satisfy: no 5xx but 505, problem+json with a code for every error, no .NET or internal
    // names in it, within the bound, and as many answers as the request asked for.
    internal static IEnumerable<string> Check(RawExchange exchange, RawResult result, IReadOnlyList<(string Word, Regex Pattern)> forbidden)
    {
        if (result.Trouble is not null)
        {
            yield return result.Trouble;
        }

        if (result.Elapsed > ExchangeBound)
        {
            yield return $"took {result.Elapsed.TotalSeconds:0.0} s";
        }

        if (exchange.ExpectedResponses > 0 && result.Responses.Count < exchange.ExpectedResponses)
        {
            yield return $"{result.Responses.Count} responses where {exchange.ExpectedResponses} were expected";
        }

        var requestText = Encoding.Latin1.GetString(exchange.Bytes);
        foreach (var response in result.Responses)
        {
            var body = Encoding.UTF8.GetString(response.Body);
            if (exchange.Category == HostileRequests.OtherDealCategory && response.Status is (>= 200 and < 300) or 403)
            {
                yield return $"status {response.Status} for another client's deal, which should be absent to it: {body}";
            }

            if (response.Status >= 500 && response.Status != 505)
            {
                yield return $"status {response.Status}: {body}";
                continue;
            }

            if (response.Status < 400)
            {
                continue;
            }

            if (response.ContentType is null || !response.ContentType.StartsWith("application/problem+json", StringComparison.Ordinal))
            {
                yield return $"status {response.Status} with Content-Type '{response.ContentType}' and body '{body}'";
                continue;
            }

            if (exchange.IsHead && result.Responses.Count == 1)
            {
                continue;
            }

            string? code = null;
            string detail = "";
            string? parseError = null;
            try
            {
                using var document = JsonDocument.Parse(response.Body);
                code = document.RootElement.TryGetProperty("code", out var c) ? c.GetString() : null;
                detail = document.RootElement.TryGetProperty("detail", out var d) ? d.GetString() ?? "" : "";
            }
            catch (JsonException failure)
            {
                parseError = failure.Message;
            }

            if (parseError is not null || string.IsNullOrEmpty(code))
            {
                yield return $"status {response.Status}: a problem without a code: '{body}'";
                continue;
            }

            foreach (var (word, pattern) in forbidden)
            {
                if (pattern.IsMatch(detail) && !requestText.Contains(word, StringComparison.Ordinal))
                {
                    yield return $"status {response.Status} {code}: the detail names '{word}': {detail}";
                }
            }
        }
    }

    private static Regex WordPattern(string word) =>
        new($"(?<![A-Za-z0-9_]){Regex.Escape(word)}(?![A-Za-z0-9_])", RegexOptions.CultureInvariant);

    // .NET type and namespace names, and the contract's member names as C# writes them (maxFuel, MaxFuel) where the
    // wire name differs.
    internal static List<(string Word, Regex Pattern)> ForbiddenWords() =>
        [.. ForbiddenNames().Distinct(StringComparer.Ordinal).Select(word => (word, WordPattern(word)))];

    private static List<string> ForbiddenNames()
    {
        var words = new List<string> { "System.", "Microsoft.", "Orleans.", "Marketplace.", "`1", "Int64", "Int32", "Nullable", "String[]", "JobSubmission", "ProgramDeployment", "ProgramManifest", "ProgramDelegation", "ProgramNameInfo", "Exception", "mediaType", "blobId", "clientId", "jobId" };
        foreach (var type in new[] { typeof(JobSubmission), typeof(ProgramDeployment), typeof(ProgramManifest), typeof(ProgramDelegation) })
        {
            foreach (var property in type.GetProperties())
            {
                var pascal = property.Name;
                var camel = char.ToLowerInvariant(pascal[0]) + pascal[1..];
                if (!string.Equals(camel, JsonNamingPolicy.SnakeCaseLower.ConvertName(pascal), StringComparison.Ordinal))
                {
                    words.Add(camel);
                    words.Add(pascal);
                }
            }
        }

        return words;
    }

    private async Task<AbuseTargets> CreateTargetsAsync()
    {
        using var client = _silo.NewClient(ApiSiloFixture.FuzzKey);
        var name = "echo-fuzz-" + Guid.NewGuid().ToString("N")[..8];
        var program = await client.DeployProgramAsync(SamplePrograms.Echo(name));
        var blob = await client.UploadBlobAsync(new MemoryStream(Encoding.UTF8.GetBytes("fuzz target blob")));

        // The suite's deletes may give up the fuzzer's and bob's ownership of the target (bob's key is among the
        // generated ones); alice owns it too, so it stays stored, and published it stays readable by the fuzzer
        // (until a hostile unpublish).
        foreach (var key in new[] { ApiTestSilo.BobKey, ApiTestSilo.AliceKey })
        {
            using var owner = _silo.NewClient(key);
            await owner.UploadBlobAsync(new MemoryStream(Encoding.UTF8.GetBytes("fuzz target blob")));
        }

        await client.PublishBlobAsync(blob.Id);
        var job = await client.SubmitJobAsync(new JobSubmission { Program = name, InputInline = Encoding.UTF8.GetBytes("fuzz") });
        await client.WaitForJobAsync(job.JobId, TimeSpan.FromSeconds(120));
        var workers = (await client.ListWorkersAsync()).Items;

        // A deal of the fuzzer's own, and one of alice's that every answer to the fuzzer must treat as absent.
        var deal = await client.StoreAsync(Encoding.UTF8.GetBytes("fuzz target deal"), dealId: "fuzz-target");
        using var alice = _silo.NewClient(ApiTestSilo.AliceKey);
        var alicesDeal = await alice.StoreAsync(Encoding.UTF8.GetBytes("alice's deal"), dealId: "alice-fuzz-target");
        return new AbuseTargets(ApiSiloFixture.FuzzKey, ApiTestSilo.BobKey, blob.Id, job.JobId, program.Id, name, workers[0].WorkerId, deal.DealId, alicesDeal.DealId);
    }

    private void Report(string line)
    {
        output.WriteLine(line);
        Console.WriteLine(line);
    }
}
