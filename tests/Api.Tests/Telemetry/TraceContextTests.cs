using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using Marketplace.GrainInterfaces;
using Marketplace.GrainInterfaces.Json;
using Marketplace.Grains.Telemetry;
using Xunit;
using Xunit.Abstractions;

namespace Marketplace.Api.Tests.Telemetry;

/// <summary>W3C trace context from an HTTP request through the API's grain calls and the job grain to the worker's run.</summary>
[Collection(ApiCollection.Name)]
public sealed class TraceContextTests(ApiSiloFixture fixture, ITestOutputHelper output)
{
    private readonly ApiTestSilo _silo = fixture.Silo;

    [Fact]
    public async Task A_jobs_run_span_and_grain_calls_share_the_submitting_requests_trace_id()
    {
        using var recorder = new ActivityRecorder(MarketplaceTelemetry.Name, "Microsoft.Orleans", "Microsoft.AspNetCore");
        using var http = _silo.NewHttpClient(ApiTestSilo.AliceKey);
        var name = "echo-trace-" + Guid.NewGuid().ToString("N")[..8];
        (await JobApiTests.PostJsonAsync(http, "v1/programs", SamplePrograms.Echo(name))).EnsureSuccessStatusCode();

        var traceId = ActivityTraceId.CreateRandom();
        var traceParent = $"00-{traceId.ToHexString()}-{ActivitySpanId.CreateRandom().ToHexString()}-01";
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/jobs")
        {
            Content = new StringContent(
                "{\"program\": \"" + name + "@1.0.0\", \"input_base64\": \"" + Convert.ToBase64String(Encoding.UTF8.GetBytes("traced")) + "\"}",
                Encoding.UTF8,
                "application/json"),
        };
        request.Headers.Add("traceparent", traceParent);
        using var submitted = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Accepted, submitted.StatusCode);
        var job = (await submitted.Content.ReadFromJsonAsync<JobInfo>(MarketplaceJson.Options))!;

        var run = await recorder.WaitForAsync(
            a => a.OperationName == MarketplaceTelemetry.JobRunActivityName && (string?)a.GetTagItem(MarketplaceTelemetry.JobIdTag) == job.JobId,
            TimeSpan.FromSeconds(30));
        Assert.Equal(traceId, run.TraceId);
        Assert.Equal(job.ProgramId, run.GetTagItem(MarketplaceTelemetry.ProgramIdTag));
        Assert.NotNull(run.GetTagItem(MarketplaceTelemetry.WorkerIdTag));
        Assert.Equal(MarketplaceTelemetry.Succeeded, run.GetTagItem(MarketplaceTelemetry.OutcomeTag));
        Assert.Equal(JobStatus.Completed, (await JobApiTests.WaitAsync(http, job.JobId)).Status);

        // The request itself, the API's call into the job grain and the worker's report to it are in the same trace;
        // the report is a child of the run span, so Orleans carried the context out of the worker too.
        await recorder.WaitForAsync(
            a => a.TraceId == traceId && a.Source.Name.StartsWith("Microsoft.Orleans", StringComparison.Ordinal) && a.ParentSpanId == run.SpanId,
            TimeSpan.FromSeconds(10));
        var trace = recorder.InTrace(traceId);
        output.WriteLine($"{trace.Count} spans in trace {traceId}:");
        foreach (var span in trace)
        {
            output.WriteLine($"  {span.Source.Name}: {span.DisplayName} ({span.Kind})");
        }

        Assert.Contains(trace, a => a.Source.Name == "Microsoft.AspNetCore");
        Assert.Contains(trace, a => a.Source.Name.StartsWith("Microsoft.Orleans", StringComparison.Ordinal) && a.DisplayName.Contains("IJobGrain", StringComparison.Ordinal));
    }
}
