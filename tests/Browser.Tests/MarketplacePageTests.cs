using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Marketplace.GrainInterfaces;
using Xunit;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Marketplace.Browser.Tests;

/// <summary>The operators' marketplace page (<c>/dashboard/marketplace</c>) in Chromium against a real silo.</summary>
[Collection(BrowserCollection.Name)]
public sealed class MarketplacePageTests(BrowserSiloFixture silo, ITestOutputHelper output)
{
    // Generous: the machine is shared with other builds; every wait is on the page's DOM, never on the clock.
    private const float Patience = 120_000;

    private static readonly string[] Sections = ["jobs", "throughput", "workers", "verification", "storage", "settlement"];

    [ChromiumFact]
    public async Task PageWithTheOperatorKeyInItsFragmentShowsEverySectionLive()
    {
        var page = await silo.NewPageAsync();
        await page.GotoAsync(silo.MarketplacePage + "#key=" + BrowserSiloFixture.OperatorKey);

        await Expect(page.Locator("#connection")).ToHaveAttributeAsync("data-state", "live", new() { Timeout = Patience });
        foreach (var section in Sections)
        {
            await Expect(page.Locator($"section#{section} h2")).ToBeVisibleAsync();
        }

        // The silo's own workers (w1, w2) are listed with their capacity; every job state has a tile.
        await Expect(page.Locator("#worker-table tr[data-worker-id]")).Not.ToHaveCountAsync(0, new() { Timeout = Patience });
        // Each names the silo that hosts it (as the providers' table does), not the host's first worker.
        await Expect(page.Locator("#worker-table tr[data-worker-id] td:nth-child(2)").First).ToContainTextAsync("127.0.0.1", new() { Timeout = Patience });
        await Expect(page.Locator("#job-states .tile")).ToHaveCountAsync(Enum.GetValues<JobStatus>().Length);
        await Expect(page.Locator("#problem")).ToBeHiddenAsync();
        await Expect(page.Locator("a#orleans-dashboard")).ToHaveAttributeAsync("href", "/dashboard");

        // The key left the address bar and stays in this tab's sessionStorage only.
        Assert.DoesNotContain("key=", page.Url, StringComparison.Ordinal);
        Assert.Equal(BrowserSiloFixture.OperatorKey, await page.EvaluateAsync<string>("() => sessionStorage.getItem('marketplace.operatorApiKey')"));

        // Snapshots keep arriving on the same document.
        var first = int.Parse(await page.Locator("body").GetAttributeAsync("data-snapshots") ?? "0", System.Globalization.CultureInfo.InvariantCulture);
        await Expect(page.Locator("body")).Not.ToHaveAttributeAsync("data-snapshots", first.ToString(System.Globalization.CultureInfo.InvariantCulture), new() { Timeout = Patience });

        // A stream ends after its lifetime (4 s here); the page reconnects on its own and stays live.
        await Expect(page.Locator("body")).ToHaveAttributeAsync("data-streams", new Regex("^([2-9]|[1-9][0-9]+)$"), new() { Timeout = Patience });
        await Expect(page.Locator("#connection")).ToHaveAttributeAsync("data-state", "live", new() { Timeout = Patience });
        output.WriteLine("screenshot: " + await BrowserSiloFixture.ScreenshotAsync(page, "marketplace-page"));
    }

    [ChromiumFact]
    public async Task JobSubmittedWhileThePageIsOpenAppearsAndCompletesWithoutAReload()
    {
        var page = await silo.NewPageAsync();
        await page.GotoAsync(silo.MarketplacePage);
        await page.FillAsync("#api-key", BrowserSiloFixture.OperatorKey);
        await page.ClickAsync("#key-form button[type=submit]");
        await Expect(page.Locator("#connection")).ToHaveAttributeAsync("data-state", "live", new() { Timeout = Patience });

        // A marker on this document, and a record of every state the page shows for each job row from now on.
        await page.EvaluateAsync("""
            () => {
              window.sameDocument = true;
              window.seenStates = [];
              const body = document.querySelector('#recent-jobs tbody');
              new MutationObserver(() => {
                for (const row of body.querySelectorAll('tr[data-job-id]')) window.seenStates.push(row.dataset.jobId + ' ' + row.dataset.state);
              }).observe(body, { childList: true });
            }
            """);

        using var alice = silo.NewAliceClient();
        var name = "echo-page-" + Guid.NewGuid().ToString("N")[..8];
        await alice.DeployProgramAsync(EchoProgram.Deployment(name));
        var job = await alice.SubmitJobAsync(new JobSubmission { Program = name + "@1.0.0", InputInline = "hello page"u8.ToArray() });
        output.WriteLine($"submitted {job.JobId} ({job.Status})");

        var row = page.Locator($"#recent-jobs tr[data-job-id='{job.JobId}']");
        await Expect(row).ToHaveCountAsync(1, new() { Timeout = Patience });
        await Expect(row).ToHaveAttributeAsync("data-state", "completed", new() { Timeout = Patience });
        await Expect(row.Locator("td.job-state")).ToHaveTextAsync("completed");
        await Expect(row).ToContainTextAsync("alice");
        await Expect(page.Locator("#completed-window")).ToHaveTextAsync(new Regex("^[1-9][0-9]*$"), new() { Timeout = Patience });
        await Expect(page.Locator("#latency-p50")).ToHaveTextAsync(new Regex("[0-9.]+ (ms|s)$"), new() { Timeout = Patience });

        Assert.True(await page.EvaluateAsync<bool>("() => window.sameDocument === true"), "the page was reloaded");
        var seen = (await page.EvaluateAsync<string[]>("() => window.seenStates"))
            .Where(entry => entry.StartsWith(job.JobId + " ", StringComparison.Ordinal))
            .Select(entry => entry[(job.JobId.Length + 1)..])
            .Distinct()
            .ToList();
        output.WriteLine("states the page showed for the job: " + string.Join(" → ", seen));
        Assert.Equal("completed", seen[^1]);
        Assert.Equal(JobStatus.Completed, (await alice.GetJobAsync(job.JobId)).Status);
        output.WriteLine("screenshot: " + await BrowserSiloFixture.ScreenshotAsync(page, "marketplace-job-completed"));
    }

    [ChromiumFact]
    public async Task ChoosingAJobShowsItsHistoryWhoseChainThePageRecomputesAndAnEditedLineIsCaught()
    {
        using var alice = silo.NewAliceClient();
        var name = "echo-history-" + Guid.NewGuid().ToString("N")[..8];
        await alice.DeployProgramAsync(EchoProgram.Deployment(name));
        var job = await alice.SubmitJobAsync(new JobSubmission { Program = name + "@1.0.0", InputInline = "hello history"u8.ToArray() });

        var page = await silo.NewPageAsync();
        await page.GotoAsync(silo.MarketplacePage + "#key=" + BrowserSiloFixture.OperatorKey);
        var row = page.Locator($"#recent-jobs tr[data-job-id='{job.JobId}']");
        await Expect(row).ToHaveAttributeAsync("data-state", "completed", new() { Timeout = Patience });
        var expected = await alice.GetJobHistoryAsync(job.JobId);
        await row.Locator("button.job-link").ClickAsync();

        var check = page.Locator("#history-check");
        await Expect(page.Locator("#job-history")).ToBeVisibleAsync();
        await Expect(page.Locator("#history-job")).ToHaveTextAsync(job.JobId);
        await Expect(check).ToHaveAttributeAsync("data-state", "valid", new() { Timeout = Patience });
        // The job is finished, so the head the page checked is the one the client reads.
        await Expect(check).ToHaveAttributeAsync("data-head", Convert.ToHexStringLower(expected.Head));
        await Expect(page.Locator("#history-table tr[data-sequence]")).ToHaveCountAsync(expected.Entries.Count);
        await Expect(page.Locator("#history-table tr[data-sequence='0']")).ToContainTextAsync(expected.Entries[0].Message);
        output.WriteLine("screenshot: " + await BrowserSiloFixture.ScreenshotAsync(page, "marketplace-job-history"));

        // The same history with one line's text changed on its way to the page: the page's own check fails there.
        await page.RouteAsync("**/api/jobs/*/history*", async route =>
        {
            var response = await route.FetchAsync();
            var body = System.Text.Json.Nodes.JsonNode.Parse(await response.TextAsync())!;
            body["entries"]![1]!["message"] = "edited on the way";
            await route.FulfillAsync(new() { Response = response, Body = body.ToJsonString() });
        });
        await page.ClickAsync("#history-refresh");
        await Expect(check).ToHaveAttributeAsync("data-state", "invalid", new() { Timeout = Patience });
        await Expect(check).ToContainTextAsync("line 1's hash does not follow");
        await Expect(page.Locator("#history-table tr.bad")).ToHaveAttributeAsync("data-sequence", "1");
        await page.UnrouteAllAsync();

        // The history endpoint answers operators only, and a job with the wrong client is refused.
        using var operatorHttp = silo.NewHttpClient(BrowserSiloFixture.OperatorKey);
        using var aliceHttp = silo.NewHttpClient(BrowserSiloFixture.AliceKey);
        var path = $"dashboard/marketplace/api/jobs/{job.JobId}/history";
        Assert.Equal(HttpStatusCode.OK, (await operatorHttp.GetAsync(path + "?client_id=alice")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await aliceHttp.GetAsync(path + "?client_id=alice")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await operatorHttp.GetAsync(path + "?client_id=bob")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await operatorHttp.GetAsync(path)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await operatorHttp.GetAsync("dashboard/marketplace/api/jobs/job" + new string('0', 32) + "/history?client_id=alice")).StatusCode);
    }

    [ChromiumFact]
    public async Task WithoutAKeyTheDataEndpointAnswers401ProblemAndThePageSaysSo()
    {
        // The data endpoints refuse a missing or wrong key exactly as /v1 does.
        using var anonymous = silo.NewHttpClient();
        using var wrong = silo.NewHttpClient("not-a-key");
        foreach (var (client, path) in new[]
                 {
                     (anonymous, "dashboard/marketplace/api/snapshot"), (anonymous, "dashboard/marketplace/api/events"),
                     (wrong, "dashboard/marketplace/api/snapshot"), (wrong, "dashboard/marketplace/api/events"),
                 })
        {
            using var response = await client.GetAsync(path);
            using var v1 = await client.GetAsync("v1/jobs");
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal(v1.Headers.WwwAuthenticate.ToString(), response.Headers.WwwAuthenticate.ToString());
            using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            using var v1Problem = JsonDocument.Parse(await v1.Content.ReadAsStringAsync());
            Assert.Equal("unauthorized", problem.RootElement.GetProperty("code").GetString());
            Assert.Equal(401, problem.RootElement.GetProperty("status").GetInt32());
            Assert.Equal(v1Problem.RootElement.GetProperty("type").GetString(), problem.RootElement.GetProperty("type").GetString());
            Assert.Equal(v1Problem.RootElement.GetProperty("detail").GetString(), problem.RootElement.GetProperty("detail").GetString());
            Assert.Equal("/" + path, problem.RootElement.GetProperty("instance").GetString());
        }

        // The page itself loads without a key, and shows the silo's answer.
        var page = await silo.NewPageAsync();
        var shell = await page.GotoAsync(silo.MarketplacePage);
        Assert.Equal(200, shell!.Status);
        await Expect(page.Locator("#connection")).ToHaveAttributeAsync("data-state", "unauthorized", new() { Timeout = Patience });
        await Expect(page.Locator("#problem")).ToBeVisibleAsync();
        await Expect(page.Locator("#problem")).ToContainTextAsync("401 unauthorized");
        await Expect(page.Locator("#problem")).ToContainTextAsync("needs an API key");
        await Expect(page.Locator("#recent-jobs tbody tr[data-job-id]")).ToHaveCountAsync(0);
        output.WriteLine("screenshot: " + await BrowserSiloFixture.ScreenshotAsync(page, "marketplace-no-key"));
    }

    [ChromiumFact]
    public async Task AKeyThatIsNotAnOperatorsIsRefusedWith403AndThePageSaysSo()
    {
        using var alice = silo.NewHttpClient(BrowserSiloFixture.AliceKey);
        using var response = await alice.GetAsync("dashboard/marketplace/api/snapshot");
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("forbidden", problem.RootElement.GetProperty("code").GetString());

        var page = await silo.NewPageAsync();
        await page.GotoAsync(silo.MarketplacePage + "#key=" + BrowserSiloFixture.AliceKey);
        await Expect(page.Locator("#connection")).ToHaveAttributeAsync("data-state", "forbidden", new() { Timeout = Patience });
        await Expect(page.Locator("#problem")).ToContainTextAsync("403 forbidden");
        await Expect(page.Locator("#problem")).ToContainTextAsync("not an operator");
    }

    [ChromiumFact]
    public async Task OrleansDashboardLoadsFromThePagesLink()
    {
        var page = await silo.NewPageAsync();
        await page.GotoAsync(silo.MarketplacePage);
        await page.ClickAsync("a#orleans-dashboard");
        await page.WaitForURLAsync(new Regex("/dashboard/?$"), new() { Timeout = Patience });
        await Expect(page).ToHaveTitleAsync("Orleans Dashboard", new() { Timeout = Patience });
        // The dashboard's script ran and drew the cluster overview from the silo's data.
        await Expect(page.Locator("#dashboard-sidebar nav a").First).ToBeVisibleAsync(new() { Timeout = Patience });
        await Expect(page.GetByText("Total Activations").First).ToBeVisibleAsync(new() { Timeout = Patience });
        await Expect(page.GetByText("Active Silos").First).ToBeVisibleAsync(new() { Timeout = Patience });
        output.WriteLine("screenshot: " + await BrowserSiloFixture.ScreenshotAsync(page, "orleans-dashboard"));
    }
}
