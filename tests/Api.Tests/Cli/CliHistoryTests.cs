using System.Text.Json.Nodes;
using Marketplace.GrainInterfaces;
using Xunit;

namespace Marketplace.Api.Tests.Cli;

/// <summary><c>history</c>: a job's log as a hash chain over HTTP and offline, and every way of changing the file
/// after the fact (a line removed, moved or edited, the head restated, a head seen earlier that the file does not
/// extend) caught with its own name.</summary>
[Collection(ApiCollection.Name)]
public sealed class CliHistoryTests(ApiSiloFixture fixture) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("marketplace-cli-history-").FullName;
    private readonly CliRunner _offline = new CliRunner().With("MARKETPLACE_URL", "http://127.0.0.1:1/");

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task AJobsHistoryIsFetchedCheckedWrittenAndEveryChangeToTheFileIsCaught()
    {
        using var http = fixture.Silo.NewHttpClient(ApiTestSilo.AliceKey);
        var name = "echo-cli-history-" + Guid.NewGuid().ToString("N")[..8];
        (await JobApiTests.PostJsonAsync(http, "v1/programs", SamplePrograms.Echo(name))).EnsureSuccessStatusCode();
        var job = await JobApiTests.WaitAsync(http, (await JobApiTests.SubmitAsync(http, new JobSubmission { Program = name, InputInline = [104, 105] })).JobId);
        Assert.Equal(JobStatus.Completed, job.Status);

        var cli = new CliRunner().With("MARKETPLACE_URL", fixture.Silo.BaseAddress.ToString()).With("MARKETPLACE_API_KEY", ApiTestSilo.AliceKey);
        var file = Path.Combine(_folder, "history.json");
        var fetched = await cli.RunAsync("history", "--job", job.JobId, "--out", file);
        Assert.True(fetched.ExitCode == 0, fetched.ToString());
        Assert.Contains($"valid: history of {job.JobId}", fetched.Output, StringComparison.Ordinal);
        var history = JobHistoryJson.Parse(await File.ReadAllBytesAsync(file));
        Assert.True(history.Entries.Count >= 3, fetched.Output);
        Assert.Contains(history.Entries, e => e.Message.StartsWith("completed on worker", StringComparison.Ordinal));
        var head = Convert.ToHexStringLower(history.Head);

        // Offline, with and without a head seen before (here: the second line's hash, which the history extends).
        Assert.Equal(0, (await _offline.RunAsync("history", "--verify", file)).ExitCode);
        var earlier = Convert.ToHexStringLower(history.Entries[1].Hash);
        var extends = await _offline.RunAsync("history", "--verify", file, "--head", earlier);
        Assert.True(extends.ExitCode == 0, extends.ToString());
        Assert.EndsWith($"head {head}", extends.Output.TrimEnd(), StringComparison.Ordinal);
        await ExpectAsync("seen_head_missing", file, "--head", new string('0', 64));

        // A line removed: the numbering shows it. Lines swapped: the same.
        var removed = Node(file);
        removed["entries"]!.AsArray().RemoveAt(1);
        await ExpectAsync("wrong_sequence", await WriteAsync("removed.json", removed));
        var swapped = Node(file);
        var entries = swapped["entries"]!.AsArray();
        var second = entries[1]!.DeepClone();
        entries[1] = entries[2]!.DeepClone();
        entries[2] = second;
        await ExpectAsync("wrong_sequence", await WriteAsync("swapped.json", swapped));

        // A line's text edited, then also its hash restated: the next line or the head no longer follows.
        var edited = Node(file);
        edited["entries"]![1]!["message"] = "nothing happened";
        await ExpectAsync("hash_mismatch", await WriteAsync("edited.json", edited));
        var last = history.Entries.Count - 1;
        var restated = Node(file);
        restated["entries"]![last]!["message"] = "refunded in full";
        var e = history.Entries[last];
        restated["entries"]![last]!["hash"] = Convert.ToHexStringLower(JobHistoryChain.EntryHash(history.Entries[last - 1].Hash, e.Sequence, e.Timestamp, e.Attempt, e.Level, "refunded in full"));
        await ExpectAsync("wrong_head", await WriteAsync("restated.json", restated));

        // A whole chain made up afresh checks by itself, but not against the head the client kept.
        var forged = JobHistoryJson.Parse(await File.ReadAllBytesAsync(file));
        var previous = JobHistoryChain.Genesis(forged.JobId);
        foreach (var line in forged.Entries)
        {
            line.Message = line.Message.Replace("completed", "failed", StringComparison.Ordinal);
            line.Hash = JobHistoryChain.EntryHash(previous, line.Sequence, line.Timestamp, line.Attempt, line.Level, line.Message);
            previous = line.Hash;
        }

        forged.Head = previous;
        var forgedFile = Path.Combine(_folder, "forged.json");
        await File.WriteAllBytesAsync(forgedFile, JobHistoryJson.Serialize(forged));
        Assert.Equal(0, (await _offline.RunAsync("history", "--verify", forgedFile)).ExitCode);
        await ExpectAsync("seen_head_missing", forgedFile, "--head", head);

        // Not a history, an unknown member, a bad head option, neither or both sources.
        await ExpectAsync("malformed", await WriteAsync("receipt.json", JsonNode.Parse("{\"kind\":\"executor\"}")!));
        var unknown = Node(file);
        unknown["extra"] = 1;
        await ExpectAsync("malformed", await WriteAsync("unknown.json", unknown));
        Assert.Equal(1, (await _offline.RunAsync("history", "--verify", file, "--head", "xyz")).ExitCode);
        Assert.Equal(1, (await _offline.RunAsync("history")).ExitCode);
        Assert.Equal(1, (await _offline.RunAsync("history", "--verify", file, "--job", job.JobId)).ExitCode);
    }

    [Fact]
    public async Task AnotherClientsJobsHistoryIsForbiddenAndAnUnknownJobIsNotFound()
    {
        using var alice = fixture.Silo.NewHttpClient(ApiTestSilo.AliceKey);
        var name = "echo-history-owner-" + Guid.NewGuid().ToString("N")[..8];
        (await JobApiTests.PostJsonAsync(alice, "v1/programs", SamplePrograms.Echo(name))).EnsureSuccessStatusCode();
        var job = await JobApiTests.WaitAsync(alice, (await JobApiTests.SubmitAsync(alice, new JobSubmission { Program = name, InputInline = [1] })).JobId);
        using var bob = fixture.Silo.NewHttpClient(ApiTestSilo.BobKey);
        await ProblemAssert.IsProblemAsync(await bob.GetAsync($"v1/jobs/{job.JobId}/history"), 403, "forbidden");
        await ProblemAssert.IsProblemAsync(await alice.GetAsync($"v1/jobs/job{new string('0', 32)}/history"), 404, "job_not_found");
    }

    private static JsonNode Node(string file) => JsonNode.Parse(File.ReadAllText(file))!;

    private async Task<string> WriteAsync(string name, JsonNode node)
    {
        var path = Path.Combine(_folder, name);
        await File.WriteAllTextAsync(path, node.ToJsonString());
        return path;
    }

    private async Task ExpectAsync(string failure, params string[] args)
    {
        var result = await _offline.RunAsync(["history", "--verify", .. args]);
        Assert.True(result.ExitCode == 9, result.ToString());
        Assert.StartsWith($"error history_invalid: {failure}: ", result.ErrorLine, StringComparison.Ordinal);
    }
}
