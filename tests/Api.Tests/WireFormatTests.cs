using System.Text.Json;
using Marketplace.GrainInterfaces;
using Marketplace.GrainInterfaces.Json;
using Marketplace.Silo.Api;
using Xunit;

namespace Marketplace.Api.Tests;

/// <summary>The shared JSON wire format and the Range parser.</summary>
public sealed class WireFormatTests
{
    [Fact]
    public void Job_submissions_carry_input_base64_and_never_a_client_id()
    {
        var submission = new JobSubmission
        {
            ClientId = "mallory",
            Program = "echo@1.0.0",
            RequestId = "r-1",
            InputInline = [1, 2, 3, 250],
            MaxFuel = 1000,
            Labels = { ["Region"] = "eu-West" },
        };
        var json = JsonSerializer.Serialize(submission, MarketplaceJson.Options);
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        Assert.False(root.TryGetProperty("client_id", out _));
        Assert.Equal(Convert.ToBase64String(new byte[] { 1, 2, 3, 250 }), root.GetProperty("input_base64").GetString());
        Assert.Equal("echo@1.0.0", root.GetProperty("program").GetString());
        Assert.Equal(1000, root.GetProperty("max_fuel").GetInt64());
        Assert.Equal("eu-West", root.GetProperty("labels").GetProperty("Region").GetString());

        var back = JsonSerializer.Deserialize<JobSubmission>(json, MarketplaceJson.Options)!;
        Assert.Equal("", back.ClientId);
        Assert.Equal(submission.InputInline, back.InputInline);
        Assert.Equal("r-1", back.RequestId);
        Assert.Equal("eu-West", back.Labels["Region"]);
    }

    [Fact]
    public void Deployments_carry_wasm_base64_and_signature_hex()
    {
        var deployment = new ProgramDeployment
        {
            Wasm = [0, 0x61, 0x73, 0x6d],
            Manifest = new ProgramManifest { Name = "echo", Version = "1.0.0", Salt = "ab" },
            Signature = [0xde, 0xad, 0xbe, 0xef],
        };
        var json = JsonSerializer.Serialize(deployment, MarketplaceJson.Options);
        using var document = JsonDocument.Parse(json);
        Assert.Equal("AGFzbQ==", document.RootElement.GetProperty("wasm_base64").GetString());
        Assert.Equal("deadbeef", document.RootElement.GetProperty("signature_hex").GetString());
        Assert.Equal("onvm_main", document.RootElement.GetProperty("manifest").GetProperty("entrypoint").GetString());
        var back = JsonSerializer.Deserialize<ProgramDeployment>(json.Replace("deadbeef", "0xDEADBEEF", StringComparison.Ordinal), MarketplaceJson.Options)!;
        Assert.Equal(deployment.Signature, back.Signature);
        Assert.Equal(deployment.Wasm, back.Wasm);
    }

    [Theory]
    [InlineData(JobStatus.TimedOut, "timed_out")]
    [InlineData(JobStatus.Pending, "pending")]
    [InlineData(FailureReason.OutOfFuel, "out_of_fuel")]
    [InlineData(EntrypointShape.StructReturn, "struct_return")]
    public void Enums_travel_as_snake_case_strings(object value, string wire)
    {
        Assert.Equal($"\"{wire}\"", JsonSerializer.Serialize(value, value.GetType(), MarketplaceJson.Options));
        Assert.Equal(value, JsonSerializer.Deserialize($"\"{wire}\"", value.GetType(), MarketplaceJson.Options));
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize("3", value.GetType(), MarketplaceJson.Options));
    }

    [Fact]
    public void Job_info_uses_snake_case_names()
    {
        var json = JsonSerializer.Serialize(new JobInfo { JobId = "job1", Status = JobStatus.Completed, OutputBlobId = "blob1" }, MarketplaceJson.Options);
        Assert.Contains("\"job_id\":\"job1\"", json, StringComparison.Ordinal);
        Assert.Contains("\"status\":\"completed\"", json, StringComparison.Ordinal);
        Assert.Contains("\"output_blob_id\":\"blob1\"", json, StringComparison.Ordinal);
        Assert.Contains("\"failure_reason\":\"none\"", json, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("bytes=0-0", 100, 0, 0)]
    [InlineData("bytes=0-99", 100, 0, 99)]
    [InlineData("bytes=10-", 100, 10, 99)]
    [InlineData("bytes=10-1000", 100, 10, 99)]
    [InlineData("bytes=-10", 100, 90, 99)]
    [InlineData("bytes=-1000", 100, 0, 99)]
    [InlineData(" bytes=5-6 ", 100, 5, 6)]
    public void Ranges_parse(string header, long size, long start, long end)
    {
        var range = ByteRange.Parse(header, size);
        Assert.Equal(new ByteRange(start, end), range);
    }

    [Theory]
    [InlineData("bytes=100-", 100)]
    [InlineData("bytes=5-4", 100)]
    [InlineData("bytes=-0", 100)]
    [InlineData("bytes=0-1,5-6", 100)]
    [InlineData("items=0-1", 100)]
    [InlineData("bytes=a-b", 100)]
    [InlineData("bytes=1", 100)]
    [InlineData("bytes=-", 100)]
    [InlineData("bytes=99999999999999999999999-", 100)]
    [InlineData("bytes=+1-2", 100)]
    [InlineData("bytes = 5-6", 100)]
    public void Bad_ranges_are_range_not_satisfiable(string header, long size)
    {
        var problem = Assert.Throws<ApiProblemException>(() => ByteRange.Parse(header, size));
        Assert.Equal("range_not_satisfiable", problem.Code);
        Assert.Equal($"bytes */{size}", problem.Headers["Content-Range"]);
    }

    [Fact]
    public void No_range_header_is_no_range() => Assert.Null(ByteRange.Parse(null, 10));

    [Fact]
    public void Download_pieces_end_on_chunk_boundaries_within_the_read_limit()
    {
        // Chunks of 1.5 MiB: a 4 MiB reach from 0 ends at the boundary 3 MiB, never mid-chunk.
        var chunks = new List<ChunkRef>();
        const int chunk = 3 * 512 * 1024;
        for (var i = 0; i < 10; i++)
        {
            chunks.Add(new ChunkRef { Offset = (long)i * chunk, Size = chunk });
        }

        var size = 10L * chunk;
        Assert.Equal(2L * chunk, Silo.Api.BlobStreaming.PieceEnd(chunks, 0, size - 1));
        Assert.Equal(2L * chunk, Silo.Api.BlobStreaming.PieceEnd(chunks, 100, size - 1));
        Assert.Equal(size, Silo.Api.BlobStreaming.PieceEnd(chunks, size - 10, size - 1));
        Assert.Equal(501, Silo.Api.BlobStreaming.PieceEnd(chunks, 0, 500));
        // A single chunk larger than the read limit: the reach itself.
        var huge = new List<ChunkRef> { new() { Offset = 0, Size = 6 * 1024 * 1024 } };
        Assert.Equal(BlobLimits.MaxReadBytes, Silo.Api.BlobStreaming.PieceEnd(huge, 0, huge[0].Size - 1));
    }
}
