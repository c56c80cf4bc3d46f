using System.Text;
using System.Text.Json.Nodes;
using Marketplace.GrainInterfaces;
using Xunit;

namespace Marketplace.Api.Tests.Cli;

/// <summary><c>job-receipt</c> over HTTP and <c>verify-receipt</c> offline: a valid file, a tampered one, a malformed one.</summary>
[Collection(ApiCollection.Name)]
public sealed class CliReceiptTests(ApiSiloFixture fixture) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("marketplace-cli-receipt-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private CliRunner Cli() =>
        new CliRunner().With("MARKETPLACE_URL", fixture.Silo.BaseAddress.ToString()).With("MARKETPLACE_API_KEY", ApiTestSilo.AliceKey);

    [Fact]
    public async Task JobReceiptWritesAFileThatVerifyReceiptChecksOffline()
    {
        using var http = fixture.Silo.NewHttpClient(ApiTestSilo.AliceKey);
        var name = "echo-cli-receipt-" + Guid.NewGuid().ToString("N")[..8];
        (await JobApiTests.PostJsonAsync(http, "v1/programs", SamplePrograms.Echo(name))).EnsureSuccessStatusCode();
        var job = await JobApiTests.WaitAsync(http, (await JobApiTests.SubmitAsync(http, new JobSubmission { Program = name, InputInline = [104, 105] })).JobId);
        Assert.Equal(JobStatus.Completed, job.Status);

        var file = Path.Combine(_folder, "receipt.json");
        var fetched = await Cli().RunAsync("job-receipt", "--id", job.JobId, "--out", file);
        Assert.True(fetched.ExitCode == 0, fetched.ToString());
        Assert.Contains(job.ReceiptHash!, fetched.Output, StringComparison.Ordinal);

        // verify-receipt needs no server: an unreachable URL and no key.
        var offline = new CliRunner().With("MARKETPLACE_URL", "http://127.0.0.1:1/");
        var valid = await offline.RunAsync("verify-receipt", file, "--carried-keys");
        Assert.True(valid.ExitCode == 0, valid.ToString());
        Assert.StartsWith("valid: receipt " + job.ReceiptHash, valid.Output, StringComparison.Ordinal);
        var carried = await offline.RunAsync("verify-receipt", file);
        Assert.True(carried.ExitCode == 14, carried.ToString());
        Assert.StartsWith("valid: receipt " + job.ReceiptHash, carried.Output, StringComparison.Ordinal);

        var workerKey = JsonNode.Parse(await File.ReadAllTextAsync(file))!["worker_public_key"]!.GetValue<string>();
        Assert.Equal(0, (await offline.RunAsync("verify-receipt", file, "--public-key", workerKey)).ExitCode);
        var otherKey = await offline.RunAsync("verify-receipt", file, "--public-key", new string('a', 96));
        Assert.Equal(9, otherKey.ExitCode);
        Assert.StartsWith("error receipt_invalid: wrong_key: ", otherKey.ErrorLine, StringComparison.Ordinal);

        // A changed field: the stated hash no longer matches.
        var tampered = JsonNode.Parse(await File.ReadAllTextAsync(file))!;
        tampered["receipt"]!["fuel_consumed"] = tampered["receipt"]!["fuel_consumed"]!.GetValue<long>() + 1;
        var tamperedFile = Path.Combine(_folder, "tampered.json");
        await File.WriteAllTextAsync(tamperedFile, tampered.ToJsonString());
        var changed = await offline.RunAsync("verify-receipt", tamperedFile);
        Assert.Equal(9, changed.ExitCode);
        Assert.StartsWith("error receipt_invalid: hash_mismatch: ", changed.ErrorLine, StringComparison.Ordinal);

        // The hash restated to match: the signature does not.
        var restated = JsonNode.Parse(await File.ReadAllTextAsync(file))!;
        restated["receipt"]!["fuel_consumed"] = restated["receipt"]!["fuel_consumed"]!.GetValue<long>() + 1;
        var receipt = ReceiptJson.Parse(Encoding.UTF8.GetBytes(restated.ToJsonString())).Receipt;
        restated["receipt_hash"] = Convert.ToHexStringLower(ReceiptCodec.Hash(receipt));
        await File.WriteAllTextAsync(tamperedFile, restated.ToJsonString());
        var forged = await offline.RunAsync("verify-receipt", tamperedFile);
        Assert.Equal(9, forged.ExitCode);
        Assert.StartsWith("error receipt_invalid: bad_signature: ", forged.ErrorLine, StringComparison.Ordinal);

        // Not a receipt file at all, or one with an unknown member.
        var malformedFile = Path.Combine(_folder, "malformed.json");
        await File.WriteAllTextAsync(malformedFile, "{\"kind\": \"executor\"");
        var malformed = await offline.RunAsync("verify-receipt", malformedFile);
        Assert.Equal(9, malformed.ExitCode);
        Assert.StartsWith("error receipt_invalid: malformed: ", malformed.ErrorLine, StringComparison.Ordinal);
        var extra = JsonNode.Parse(await File.ReadAllTextAsync(file))!;
        extra["committee"] = "none";
        await File.WriteAllTextAsync(malformedFile, extra.ToJsonString());
        Assert.Equal(9, (await offline.RunAsync("verify-receipt", malformedFile)).ExitCode);

        var missing = await offline.RunAsync("verify-receipt", Path.Combine(_folder, "absent.json"));
        Assert.Equal(1, missing.ExitCode);
    }
}
