using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Marketplace.Cli;
using Marketplace.GrainInterfaces;
using Marketplace.GrainInterfaces.Json;
using Xunit;
using Xunit.Abstractions;

namespace Marketplace.Api.Tests.Cli;

/// <summary>The storage verbs over HTTP: <c>store</c> and <c>retrieve</c> stream files (whole and by range),
/// <c>get-blob</c> reads a deal by its blob id, <c>store</c> takes a blob or a job's output instead of a file, and
/// progress lines appear on a terminal's stderr only, never with <c>--json</c> or <c>--quiet</c>.</summary>
public sealed class CliStorageTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Store_and_retrieve_stream_files_get_blob_reads_the_deal_and_progress_shows_only_on_a_terminal()
    {
        await using var silo = await ApiTestSilo.StartAsync(StorageTestSettings.Providers(6));
        CliRunner Cli(bool terminal = false) => new CliRunner { ErrorIsTerminal = terminal }
            .With("MARKETPLACE_URL", silo.BaseAddress.ToString()).With("MARKETPLACE_API_KEY", ApiTestSilo.AliceKey);

        var content = StorageTestSettings.SeededContent(output, (5 * 1024 * 1024) + 321);
        var folder = Path.Combine(silo.DataFolder, "cli");
        Directory.CreateDirectory(folder);
        var input = Path.Combine(folder, "input.bin");
        await File.WriteAllBytesAsync(input, content);

        var stored = await Cli().RunAsync("store", "--file", input, "--deal-id", "cli-deal", "--json");
        Assert.True(stored.ExitCode == 0, stored.Error);
        Assert.Equal("", stored.Error);
        var blobId = JsonDocument.Parse(stored.Output).RootElement.GetProperty("blob_id").GetString()!;

        var copy = Path.Combine(folder, "copy.bin");
        var retrieved = await Cli(terminal: true).RunAsync("retrieve", "--id", "cli-deal", "--out", copy);
        Assert.True(retrieved.ExitCode == 0, retrieved.Error);
        Assert.Equal(content, await File.ReadAllBytesAsync(copy));
        Assert.Contains("retrieve copy.bin [########################] 100%", retrieved.Error, StringComparison.Ordinal);
        Assert.EndsWith(Environment.NewLine, retrieved.Error, StringComparison.Ordinal);

        var slice = await Cli().RunAsync("retrieve", "--id", "cli-deal", "--offset", "1MiB", "--length", "4096");
        Assert.Equal(0, slice.ExitCode);
        Assert.Equal(content.AsSpan(1 << 20, 4096).ToArray(), slice.StandardOutput);

        var viaBlob = Path.Combine(folder, "via-blob.bin");
        var got = await Cli().RunAsync("get-blob", "--id", blobId, "--out", viaBlob);
        Assert.True(got.ExitCode == 0, got.Error);
        Assert.Equal(content, await File.ReadAllBytesAsync(viaBlob));

        // A terminal gets a progress line for a store; --quiet and --json draw none even there.
        var shown = await Cli(terminal: true).RunAsync("store", "--file", input, "--deal-id", "cli-deal-2");
        Assert.Equal(0, shown.ExitCode);
        Assert.Contains("store input.bin [", shown.Error, StringComparison.Ordinal);
        Assert.Contains(" 100%  5.0 MiB / 5.0 MiB  ", shown.Error, StringComparison.Ordinal);
        var quiet = await Cli(terminal: true).RunAsync("store", "--file", input, "--deal-id", "cli-deal-3", "--quiet");
        Assert.Equal(0, quiet.ExitCode);
        Assert.Equal("", quiet.Error);
        var json = await Cli(terminal: true).RunAsync("retrieve", "--id", "cli-deal", "--out", copy, "--json");
        Assert.Equal(0, json.ExitCode);
        Assert.Equal("", json.Error);
    }

    [Fact]
    public async Task Store_takes_a_blob_or_a_jobs_output_instead_of_a_file_and_exactly_one_source()
    {
        await using var silo = await ApiTestSilo.StartAsync(StorageTestSettings.Providers(6));
        CliRunner Cli() => new CliRunner().With("MARKETPLACE_URL", silo.BaseAddress.ToString()).With("MARKETPLACE_API_KEY", ApiTestSilo.AliceKey);
        var folder = Path.Combine(silo.DataFolder, "cli");
        Directory.CreateDirectory(folder);
        var input = Path.Combine(folder, "words.txt");
        await File.WriteAllTextAsync(input, "stored from a job");

        var uploaded = await Cli().RunAsync("upload-blob", "--file", input, "--json");
        Assert.True(uploaded.ExitCode == 0, uploaded.Error);
        var blobId = JsonDocument.Parse(uploaded.Output).RootElement.GetProperty("id").GetString()!;
        var fromBlob = await Cli().RunAsync("store", "--blob", blobId, "--deal-id", "cli-from-blob", "--json");
        Assert.True(fromBlob.ExitCode == 0, fromBlob.Error);
        Assert.Equal(blobId, JsonDocument.Parse(fromBlob.Output).RootElement.GetProperty("blob_id").GetString());

        using var http = silo.NewHttpClient(ApiTestSilo.AliceKey);
        using var deployed = await JobApiTests.PostJsonAsync(http, "v1/programs", SamplePrograms.Echo("cli-echo-" + Guid.NewGuid().ToString("N")[..8]));
        var program = (await deployed.Content.ReadFromJsonAsync<ProgramInfo>(MarketplaceJson.Options))!;
        var job = await JobApiTests.WaitAsync(http, (await JobApiTests.SubmitAsync(http, new JobSubmission { Program = program.Id, InputBlobId = blobId })).JobId);
        var fromJob = await Cli().RunAsync("store", "--job-output", job.JobId, "--deal-id", "cli-from-job", "--json");
        Assert.True(fromJob.ExitCode == 0, fromJob.Error);
        var retrieved = await Cli().RunAsync("retrieve", "--id", "cli-from-job");
        Assert.Equal("STORED FROM A JOB", Encoding.ASCII.GetString(retrieved.StandardOutput));

        var none = await Cli().RunAsync("store", "--deal-id", "cli-none");
        Assert.Equal(1, none.ExitCode);
        Assert.Contains("give exactly one of --file, --blob and --job-output", none.Error, StringComparison.Ordinal);
        var both = await Cli().RunAsync("store", "--file", input, "--blob", blobId);
        Assert.Equal(1, both.ExitCode);
        var unknownJob = await Cli().RunAsync("store", "--job-output", "job" + new string('0', 32));
        output.WriteLine(unknownJob.Error);
        Assert.Equal(ExitCodes.NotFound, unknownJob.ExitCode);
        Assert.Contains("job_not_found", unknownJob.Error, StringComparison.Ordinal);
        var malformed = await Cli().RunAsync("store", "--job-output", "not-a-job-id");
        Assert.Equal(ExitCodes.Rejected, malformed.ExitCode);
        Assert.Contains("invalid_request", malformed.Error, StringComparison.Ordinal);
    }
}
