using System.Net;
using System.Text;
using Marketplace.GrainInterfaces;
using Marketplace.TestSupport;
using Xunit;
using Xunit.Abstractions;

namespace Marketplace.Api.Tests.Telemetry;

/// <summary>The Prometheus scrape endpoint of the shared silo: public, with the marketplace's and Orleans' metrics.</summary>
[Collection(ApiCollection.Name)]
public sealed class MetricsEndpointTests(ApiSiloFixture fixture, ITestOutputHelper output)
{
    private readonly ApiTestSilo _silo = fixture.Silo;

    [Fact]
    public async Task Metrics_answer_without_a_key_with_job_blob_and_orleans_instruments()
    {
        using var http = _silo.NewHttpClient(ApiTestSilo.AliceKey);
        var name = "echo-metrics-" + Guid.NewGuid().ToString("N")[..8];
        (await JobApiTests.PostJsonAsync(http, "v1/programs", SamplePrograms.Echo(name))).EnsureSuccessStatusCode();
        (await http.PostAsync("v1/blobs", new ByteArrayContent(Encoding.UTF8.GetBytes("counted bytes")))).EnsureSuccessStatusCode();
        var job = await JobApiTests.SubmitAsync(http, new JobSubmission { Program = name, InputInline = [1, 2, 3] });
        Assert.Equal(JobStatus.Completed, (await JobApiTests.WaitAsync(http, job.JobId)).Status);
        // A job that runs out of fuel, so the failure counter has a series too.
        var starved = await JobApiTests.SubmitAsync(http, new JobSubmission { Program = name, InputInline = [1, 2, 3], MaxFuel = 1, MaxRetries = 0 });
        Assert.Equal(JobStatus.Failed, (await JobApiTests.WaitAsync(http, starved.JobId)).Status);

        using var anonymous = _silo.NewHttpClient();
        string[] expected =
        [
            "marketplace_jobs_submitted_total",
            "marketplace_jobs_completed_total",
            "marketplace_job_run_duration",
            "marketplace_job_start_delay",
            "marketplace_receipt_batch_size",
            "marketplace_blobs_uploaded_bytes_total{",
            "marketplace_workers_hosted",
            "orleans_",
        ];
        // Every series the Grafana dashboard queries must be one the silo exports.
        var dashboard = await File.ReadAllTextAsync(Path.Combine(SharedData.RepositoryRoot, "dashboards", "grafana", "marketplace.json"));
        var queried = System.Text.RegularExpressions.Regex.Matches(dashboard, @"\b(marketplace_[a-z_]+|http_server_[a-z_]+)\b")
            .Select(m => m.Value).Distinct().ToArray();
        Assert.NotEmpty(queried);
        expected = [.. expected, .. queried];
        // The exporter reuses a scrape answer for a short while: scrape until the fresh figures show, within a bound.
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            using var response = await anonymous.GetAsync("metrics");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType ?? "", StringComparison.Ordinal);
            var text = await response.Content.ReadAsStringAsync();
            var missing = Array.FindAll(expected, e => !text.Contains(e, StringComparison.Ordinal));
            if (missing.Length == 0)
            {
                foreach (var line in text.Split('\n'))
                {
                    if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
                    {
                        output.WriteLine(line);
                    }
                }

                return;
            }

            Assert.True(DateTime.UtcNow < deadline, $"/metrics lacks {string.Join(", ", missing)}:\n{text}");
            await Task.Delay(100);
        }
    }
}
