using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Marketplace.GrainInterfaces;
using Marketplace.Sdk;

namespace Marketplace.Chaos;

/// <summary>
/// The whole run: the cluster up, the operator's checks (one key on every silo, the dashboards through the published
/// port, a second <c>up -d</c> that keeps the deployed contracts), then each round's job stream and fault, the jobs
/// and their counters read back, figures printed and promises checked.
/// </summary>
internal sealed partial class ChaosRun(ComposeCluster cluster, ChaosSettings settings, TextWriter output)
{
    private readonly List<(string Check, bool Passed, string Detail)> _checks = [];
    private readonly List<RoundFigures> _figures = [];
    private List<(string Service, HttpMarketplaceClient Client)> _silos = [];
    private string _key = "";
    private double _rate;

    public IReadOnlyList<(string Check, bool Passed, string Detail)> Checks => _checks;

    public IReadOnlyList<RoundFigures> Figures => _figures;

    public async Task RunAsync()
    {
        await cluster.UpAsync();
        _key = await cluster.ReadFileAsync("silo1", "/var/lib/marketplace-keys/dev-api-key");
        _silos = [.. ComposeCluster.Silos.Select(s => (s.Service, new HttpMarketplaceClient(
            new HttpClient { Timeout = TimeSpan.FromSeconds(30) }, ComposeCluster.HttpAddress(s.Service), _key)))];
        if (!settings.RoundsOnly)
        {
            await CheckOneKeyAsync();
            await CheckDashboardsAsync();
            await CheckUpAgainKeepsContractsAsync();
            await CheckPrometheusAsync();
            await CheckRateLimitSumsAsync();
            await CheckGatewayCredentialAsync();
            await CheckUploadAcrossAStopAsync();
            await CheckUploadAcrossAPostgresRestartAsync();
        }

        var program = await DeployCounterAsync();
        await FundAsync();
        if (!settings.RoundsOnly)
        {
            await CheckDealsAcrossAKillAsync();
            await CheckUploadsAcrossAProviderKillAsync();
            await CheckDealsRepairedAfterADiskLossAsync();
        }

        _rate = await StreamRateAsync(program);
        foreach (var round in settings.Rounds)
        {
            await RunRoundAsync(round, program);
        }

        if (settings.AnvilRestart)
        {
            await CheckAnvilRestartAsync(program);
        }
    }

    private void Goal(string name, bool met, string detail) =>
        output.WriteLine($"[chaos]   goal {(met ? "met    " : "NOT MET")} {name}: {detail}");

    private static string Failures(List<SubmittedJob> jobs)
    {
        var sample = jobs.Where(j => j.Final is { Status: JobStatus.Failed or JobStatus.TimedOut or JobStatus.Expired })
            .Take(3).Select(j => $"{j.Final!.JobId} ({j.Final.ErrorMessage})").ToList();
        return sample.Count == 0 ? "" : ": " + string.Join("; ", sample);
    }

    private static string Sample(List<SubmittedJob> jobs, Func<SubmittedJob, bool> which)
    {
        var sample = jobs.Where(which).Take(5).Select(j => $"{j.JobIds.FirstOrDefault()} ({j.Final?.Status.ToString() ?? "unknown"}, counter {j.Applied?.ToString(CultureInfo.InvariantCulture) ?? "?"})").ToList();
        return sample.Count == 0 ? "" : ": " + string.Join(", ", sample);
    }

    // Why the silos refused with 5xx, from their own log lines (the answer a client sees names only the code): the
    // three most frequent reasons per silo among its last 4,000 log lines, trace ids left out.
    /// <summary>The walk of the jobs open at the fault that finished last: each step of the job and each line of its
    /// log, in seconds from the fault.</summary>
    private async Task PrintLastOpenJobsAsync(RoundFigures figures)
    {
        foreach (var job in figures.LastOpenFinished)
        {
            await PrintJobWalkAsync("last open job     ", job, figures);
        }
    }

    /// <summary>The walk of every accepted job the read-back did not see finish (at most five), so a rare loss says
    /// where the job stopped.</summary>
    private async Task PrintLostJobsAsync(List<SubmittedJob> jobs, RoundFigures figures)
    {
        foreach (var job in jobs.Where(j => j.AcceptedAt is not null && j.Final is { Status: JobStatus.Pending or JobStatus.Matching or JobStatus.Running }).Take(5))
        {
            await PrintJobWalkAsync("lost job          ", job, figures);
        }
    }

    private async Task PrintJobWalkAsync(string label, SubmittedJob job, RoundFigures figures)
    {
        var c = CultureInfo.InvariantCulture;
        var info = job.Final!;
        string At(DateTimeOffset? t) => t is { } v ? string.Create(c, $"{(v - figures.FaultAt).TotalSeconds:0.00}") : "-";
        output.WriteLine(string.Create(c,
            $"  {label} {info.JobId} via {job.AcceptedBy}: {info.Status}, created {At(info.CreatedAt)}, matched {At(info.MatchedAt)}, started {At(info.StartedAt)}, finished {At(info.CompletedAt)} s, {info.RetryCount} retries, worker {info.WorkerId}, verification {info.Verification?.State.ToString() ?? "-"}"));
        var logs = await TryOnAnySiloAsync(job.Index, client => client.GetJobLogsAsync(info.JobId, limit: 50));
        foreach (var entry in logs?.Items ?? [])
        {
            output.WriteLine($"    {At(entry.Timestamp)} s attempt {entry.Attempt} {entry.Level}: {entry.Message}");
        }
    }

    private async Task PrintServerRefusalsAsync()
    {
        foreach (var (service, _) in _silos)
        {
            var logs = await cluster.RunAsync($"logs --no-color --tail 4000 {service}", TimeSpan.FromMinutes(1), check: false);
            var reasons = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var raw in logs.Split('\n'))
            {
                var line = raw.Trim();
                var at = line.IndexOf(" answered 5", StringComparison.Ordinal);
                if (at < 0)
                {
                    at = line.IndexOf(" failed with ", StringComparison.Ordinal);
                }

                if (at < 0 || !line.Contains(" /v1/", StringComparison.Ordinal))
                {
                    continue;
                }

                var trace = line.LastIndexOf(" (trace ", StringComparison.Ordinal);
                var reason = trace > at ? line[at..trace] : line[at..];
                reasons[reason] = reasons.GetValueOrDefault(reason) + 1;
            }

            foreach (var (reason, count) in reasons.OrderByDescending(pair => pair.Value).Take(3))
            {
                output.WriteLine($"  server said        {count} × {service}:{(reason.Length > 300 ? reason[..300] + "..." : reason)}");
            }
        }
    }

    private void Check(string name, bool passed, string detail)
    {
        _checks.Add((name, passed, detail));
        output.WriteLine($"[chaos] {(passed ? "PASS" : "FAIL")} {name}: {detail}");
    }

    private async Task CheckOneKeyAsync()
    {
        var answers = new List<string>();
        foreach (var (service, client) in _silos)
        {
            try
            {
                var page = await client.ListJobsAsync(limit: 1);
                answers.Add($"{service} 200");
            }
            catch (MarketplaceException e)
            {
                answers.Add($"{service} {e.Code}");
            }
        }

        Check("one development key works on every silo", answers.All(a => a.EndsWith(" 200", StringComparison.Ordinal)), string.Join(", ", answers));
    }

    // The compose file sets no rate limit, so the dev client has the defaults: a burst of 400 and 200 a second, one
    // budget for the three silos. Requests sent to all three as fast as 12 connections go for 5 s may be admitted at
    // most at that rate in all (plus one slice of 20 per silo), not three times it.
    private async Task CheckRateLimitSumsAsync()
    {
        const int Burst = 400, Rate = 200, Slice = 20;
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var admitted = 0;
        var refused = 0;
        var other = 0;
        var clock = Stopwatch.StartNew();
        var duration = TimeSpan.FromSeconds(5);
        await Task.WhenAll(Enumerable.Range(0, 12).Select(async worker =>
        {
            var address = ComposeCluster.HttpAddress(ComposeCluster.Silos[worker % ComposeCluster.Silos.Count].Service);
            while (clock.Elapsed < duration)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(address, "v1/client"));
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _key);
                try
                {
                    using var response = await http.SendAsync(request);
                    _ = response.StatusCode switch
                    {
                        HttpStatusCode.OK => Interlocked.Increment(ref admitted),
                        HttpStatusCode.TooManyRequests => Interlocked.Increment(ref refused),
                        _ => Interlocked.Increment(ref other),
                    };
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    Interlocked.Increment(ref other);
                }
            }
        }));
        var seconds = clock.Elapsed.TotalSeconds;
        var bound = Burst + (int)Math.Ceiling(Rate * seconds) + Slice * ComposeCluster.Silos.Count;
        Check("a client's rate limit is one budget across the silos",
            admitted <= bound,
            $"{admitted} admitted, {refused} refused (429), {other} other in {seconds:0.0} s over 3 silos; at most {bound} may pass ({(admitted + refused + other) / seconds:0} requests/s offered)");

        // Let the bucket fill again before the job stream.
        await Task.Delay(TimeSpan.FromSeconds(Burst / Rate));
    }

    // silo1's gateway, published on 127.0.0.1:30000: raw bytes and a wrong secret are refused with a reason, the
    // cluster's development service (secret: the development key) gets its calls through.
    private async Task CheckGatewayCredentialAsync()
    {
        var gateway = "127.0.0.1:30000";
        string raw;
        try
        {
            using var socket = new System.Net.Sockets.TcpClient();
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            await socket.ConnectAsync(IPEndPoint.Parse(gateway), deadline.Token);
            var stream = socket.GetStream();
            var hello = new byte[GatewayProtocol.HelloLength];
            await stream.ReadExactlyAsync(hello, deadline.Token);
            await stream.WriteAsync("GET / HTTP/1.1\r\n\r\n"u8.ToArray(), deadline.Token);
            var verdict = new byte[1];
            await stream.ReadExactlyAsync(verdict, deadline.Token);
            raw = verdict[0] == GatewayProtocol.Refused ? "refused" : $"verdict {verdict[0]}";
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or OperationCanceledException)
        {
            raw = e.GetType().Name;
        }

        string wrong;
        try
        {
            await using var refused = await GatewayConnection.ConnectAsync([gateway], new GatewayCredential("dev", "not-the-development-key-00000000000000"), "compose", connectTimeout: TimeSpan.FromSeconds(30));
            wrong = "connected";
        }
        catch (GatewayRefusedException)
        {
            wrong = "refused";
        }
        catch (SiloUnavailableException e)
        {
            wrong = "unavailable: " + e.Message;
        }

        string dev;
        try
        {
            await using var connection = await GatewayConnection.ConnectAsync([gateway], new GatewayCredential("dev", _key), "compose", connectTimeout: TimeSpan.FromSeconds(30));
            _ = await new GrainMarketplaceClient(connection.Client, "dev").ListJobsAsync(limit: 1);
            dev = "listed jobs";
        }
        catch (Exception e) when (e is MarketplaceException or OrleansException or TimeoutException)
        {
            dev = $"{e.GetType().Name}: {e.Message}";
        }

        Check("the gateway asks who is calling",
            raw == "refused" && wrong == "refused" && dev == "listed jobs",
            $"raw bytes: {raw}; wrong secret: {wrong}; dev:<key>: {dev}");
    }

    private async Task CheckDashboardsAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var basic = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("operator:" + _key)));
        var seen = new List<string>();
        var passed = true;
        foreach (var (path, withKey, expected) in new[]
        {
            ("dashboard/", true, HttpStatusCode.OK),
            ("dashboard/marketplace", true, HttpStatusCode.OK),
            ("dashboard", false, HttpStatusCode.Unauthorized),
        })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(ComposeCluster.HttpAddress("silo2"), path));
            if (withKey)
            {
                request.Headers.Authorization = basic;
            }

            using var response = await http.SendAsync(request);
            seen.Add($"/{path} {(withKey ? "with" : "without")} the key: {(int)response.StatusCode}");
            passed &= response.StatusCode == expected;
        }

        Check("the dashboards answer through a published port with the operator's key, and only with it", passed, string.Join("; ", seen));
    }

    private async Task CheckUpAgainKeepsContractsAsync()
    {
        const string settingsFile = "/etc/marketplace/chain/chain.json";
        var before = await cluster.ReadFileAsync("silo1", settingsFile);
        await cluster.RunAsync("up -d", TimeSpan.FromMinutes(10));
        foreach (var (service, _) in ComposeCluster.Silos)
        {
            await cluster.WaitReadyAsync(service, TimeSpan.FromMinutes(3));
        }

        var after = await cluster.ReadFileAsync("silo1", settingsFile);
        var deployLog = await cluster.RunAsync("logs --no-color deploy", TimeSpan.FromMinutes(1), check: false);
        Check("a second 'docker-compose up -d' keeps the deployed contracts", before == after && deployLog.Contains("kept the deployment", StringComparison.Ordinal),
            before == after ? "chain.json unchanged; deploy: kept the deployment" : "chain.json CHANGED");
    }

    /// <summary>The monitoring profile's Prometheus (Debian's package) scrapes every silo.</summary>
    private async Task CheckPrometheusAsync()
    {
        await cluster.RunAsync("--profile monitoring up -d prometheus", TimeSpan.FromMinutes(5));
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var watch = Stopwatch.StartNew();
        var up = 0;
        var seen = "no answer";
        while (watch.Elapsed < TimeSpan.FromMinutes(2))
        {
            try
            {
                using var targets = JsonDocument.Parse(await http.GetStringAsync("http://127.0.0.1:9090/api/v1/targets"));
                var active = targets.RootElement.GetProperty("data").GetProperty("activeTargets").EnumerateArray().ToList();
                up = active.Count(t => t.GetProperty("health").GetString() == "up");
                seen = string.Join(", ", active.Select(t => $"{t.GetProperty("labels").GetProperty("instance").GetString()} {t.GetProperty("health").GetString()}"));
                if (up == ComposeCluster.Silos.Count)
                {
                    break;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException or KeyNotFoundException or InvalidOperationException)
            {
                seen = e.Message;
            }

            await Task.Delay(TimeSpan.FromSeconds(2));
        }

        Check("the monitoring profile's Prometheus scrapes every silo", up == ComposeCluster.Silos.Count, seen);
    }

    private async Task<string> DeployCounterAsync()
    {
        var wasm = await File.ReadAllBytesAsync(Path.Combine(settings.RepositoryRoot, "programs", "counter", "counter.wasm"));
        var manifest = new ProgramManifest { Name = $"chaos-counter-{settings.RunId}", Version = "1.0.0", Salt = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)) };
        var info = await _silos[0].Client.DeployProgramAsync(ProgramDeployments.Create(wasm, manifest, RandomNumberGenerator.GetBytes(32)));
        output.WriteLine($"[chaos] deployed programs/counter as {info.Id}");
        return info.Id;
    }

    /// <summary>The cluster settles on anvil, so as its operator would: every worker's minimum stake bonded, and
    /// money deposited for the development client (each job escrows its fuel budget times its price). 10^13 is a
    /// thousand times what a whole run escrows, and a small part of what the development client is minted, so rounds
    /// can run again and again on a kept cluster (<c>--keep</c>, <c>--rounds-only</c>).</summary>
    private async Task FundAsync(string tag = "")
    {
        using var http = new HttpClient { BaseAddress = ComposeCluster.HttpAddress("silo1"), Timeout = TimeSpan.FromSeconds(60) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _key);
        // Each silo hosts two workers, which register once their silo is up: a list read right after the silos are
        // ready (all three just recreated) can be short. Wait for all of them (at most two minutes).
        var expected = 2 * ComposeCluster.Silos.Count;
        var workers = new List<string>();
        var deadline = DateTimeOffset.UtcNow + TimeSpan.FromMinutes(2);
        while (true)
        {
            workers = (await _silos[0].Client.ListWorkersAsync(limit: 100)).Items.Select(w => w.WorkerId).ToList();
            if (workers.Count >= expected || DateTimeOffset.UtcNow > deadline)
            {
                break;
            }

            await Task.Delay(TimeSpan.FromSeconds(1));
        }

        foreach (var worker in workers)
        {
            using var stake = JsonDocument.Parse(await http.GetStringAsync($"v1/workers/{worker}/stake"));
            var minimum = stake.RootElement.GetProperty("minimum_stake").GetRawText();
            await PostOkAsync(http, $"v1/workers/{worker}/stake", $$"""{"amount": {{minimum}}, "operation_id": "chaos-bond-{{worker}}{{tag}}"}""");
        }

        await PostOkAsync(http, "v1/client/deposits", $$"""{"client_id": "dev", "amount": 10000000000000, "deposit_id": "chaos-{{settings.RunId}}{{tag}}"}""");
        output.WriteLine($"[chaos] bonded the minimum stake of {workers.Count} workers ({string.Join(", ", workers)}) and deposited 10^13 for client dev");
    }

    private static async Task PostOkAsync(HttpClient http, string path, string json)
    {
        using var response = await http.PostAsync(new Uri(path, UriKind.Relative), new StringContent(json, Encoding.UTF8, "application/json"));
        if (!response.IsSuccessStatusCode)
        {
            throw new ChaosHarnessException($"POST {path} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
    }

    private static readonly string[] CpuServices = ["silo1", "silo2", "silo3", "postgres", "anvil"];

    /// <summary>CPU time each of <see cref="CpuServices"/> has used, or null when one of them is not running.</summary>
    private async Task<TimeSpan[]?> CpuUsedAsync()
    {
        var used = new TimeSpan[CpuServices.Length];
        for (var i = 0; i < used.Length; i++)
        {
            if (await cluster.CpuUsedAsync(CpuServices[i]) is not { } cpu)
            {
                return null;
            }

            used[i] = cpu;
        }

        return used;
    }

    private async Task RunRoundAsync(ChaosRound round, string program)
    {
        output.WriteLine($"[chaos] round {round.Name}: {_rate.ToString(CultureInfo.InvariantCulture)} jobs/s through 127.0.0.1:8080-8082; {round.Description} at {round.FaultAt.TotalSeconds:0} s");
        // Request ids and counters are the round's own, also when a round is named twice (--rounds kill,kill).
        var stream = new JobStream(_silos, program, $"{round.Name}-{settings.RunId}-{_figures.Count + 1}");
        using var stop = new CancellationTokenSource();
        var cpuBefore = round.HasFault ? null : await CpuUsedAsync();
        var streamStart = DateTimeOffset.UtcNow;
        var streaming = stream.RunAsync(_rate, stop.Token);
        await Task.Delay(round.FaultAt);
        if (round.Prepare is { } prepare)
        {
            await prepare(cluster, output);
        }

        var faultAt = DateTimeOffset.UtcNow;
        var faultWatch = Stopwatch.StartNew();
        await round.Fault(cluster, output);
        var remaining = round.StreamAfterFault - faultWatch.Elapsed;
        if (remaining > TimeSpan.Zero)
        {
            await Task.Delay(remaining);
        }

        stop.Cancel();
        var jobs = await streaming;
        var cpuAfter = cpuBefore is null ? null : await CpuUsedAsync();
        await round.Restore(cluster, output);
        await ReadBackAsync(jobs, program);
        var figures = RoundFigures.From(round.Name, jobs, faultAt, streamStart);
        figures.Print(output);
        PrintUnansweredTimeline(jobs, faultAt, streamStart);
        if (cpuBefore is not null && cpuAfter is not null && figures.Accepted > 0)
        {
            output.WriteLine("  cpu per accepted   " + string.Join(", ", CpuServices.Select((service, i) =>
                $"{service} {(cpuAfter[i] - cpuBefore[i]).TotalMilliseconds / figures.Accepted:0.0} ms")) + " (cgroup CPU time over the stream)");
        }

        await PrintServerRefusalsAsync();
        await PrintLastOpenJobsAsync(figures);
        await PrintLostJobsAsync(jobs, figures);
        _figures.Add(figures);
        Check($"{round.Name}: the stream got through (jobs accepted and completed)", figures.Accepted > 0 && figures.Completed > 0,
            $"{figures.Accepted} accepted, {figures.Completed} completed");
        Check($"{round.Name}: no request id split across job ids", figures.SplitRequestIds == 0, $"{figures.SplitRequestIds} split");
        Check($"{round.Name}: every completed job's effect is in the state", figures.CompletedWithoutEffect == 0, $"{figures.CompletedWithoutEffect} completed with the counter at 0");
        Check($"{round.Name}: no job's effect applied twice", figures.AppliedMoreThanOnce == 0, $"{figures.AppliedMoreThanOnce} applied twice{Sample(jobs, j => j.Applied > 1)}");

        Check($"{round.Name}: no accepted job lost", figures.Lost == 0, $"{figures.Lost} lost{Sample(jobs, j => j.AcceptedAt is not null && (j.Final is null || j.Final.Status is JobStatus.Pending or JobStatus.Matching or JobStatus.Running))}");
        Check($"{round.Name}: no failed job", figures.FailedByReason.Count == 0, $"{figures.FailedByReason.Values.Sum()} failed{Failures(jobs)}");

        // The service goals: checked in the rounds one silo of three goes through (none, a kill, a rolling upgrade);
        // printed only in the rounds the cluster may refuse work (two silos killed, PostgreSQL killed).
        Action<string, bool, string> goal = round.GoalsChecked ? (name, met, detail) => Check($"{round.Name}: {name}", met, detail) : Goal;
        goal("every submission accepted within two tries", figures.WithinTwoTries == figures.Submitted, $"{figures.WithinTwoTries} of {figures.Submitted}");
        goal("longest gap between accepted submits at most 1 s", figures.LongestGap <= TimeSpan.FromSeconds(1), $"{figures.LongestGap.TotalSeconds:0.00} s");
        var faultGoal = round.HasFault ? goal : Goal;
        faultGoal("jobs open at the fault finished within 10 s of it", figures.OpenJobsFinishedAfter is { } t && t <= TimeSpan.FromSeconds(10),
            figures.OpenJobsFinishedAfter is { } after ? $"{after.TotalSeconds:0.0} s ({figures.OpenAtFault} open)" : "not all finished");
        if (round.StopsGracefully)
        {
            // A silo stopped with SIGTERM drains: a client sees its port closed (its load balancer would route around
            // it), never a 5xx or another error. A 429 (the client's rate or quota of unfinished jobs) is the cluster
            // saying how much it takes while it carries the stream on fewer silos, counted apart. A try left without
            // an answer in the client's 10 s is a timeout the client sees: a check since the restarted silo's first
            // requests stopped building its HTTP pipeline (the warm start, tests/Chaos/README.md).
            var visible = figures.Refusals.Where(r => !IsClosedPort(r.Key) && !IsBackPressure(r.Key) && !IsUnanswered(r.Key)).ToList();
            var unanswered = figures.Refusals.Where(r => IsUnanswered(r.Key)).ToList();
            var backPressure = figures.Refusals.Where(r => IsBackPressure(r.Key)).Sum(r => r.Value);
            Check($"{round.Name}: a graceful stop shows clients no 5xx and no other error (closed ports and 429s only)", visible.Count == 0,
                (visible.Count == 0 ? "only closed ports" : string.Join(", ", visible.Select(r => $"{r.Value} × {r.Key}")))
                + $"; {backPressure} tries answered 429");
            Check($"{round.Name}: a graceful stop leaves no try without an answer in {JobStream.TryTimeout.TotalSeconds:0} s", unanswered.Count == 0,
                unanswered.Count == 0 ? "none" : string.Join(", ", unanswered.Select(r => $"{r.Value} × {r.Key}")));
        }

        foreach (var (name, passed, detail) in round.FaultChecks)
        {
            Check($"{round.Name}: {name}", passed, detail);
        }
    }

    private static bool IsUnanswered(string refusal) => refusal.Contains(": no answer in ", StringComparison.Ordinal);

    private static bool IsClosedPort(string refusal) => refusal.EndsWith(": no connection", StringComparison.Ordinal);

    private static bool IsBackPressure(string refusal) =>
        refusal.EndsWith("rate_limited", StringComparison.Ordinal) || refusal.EndsWith("quota_exceeded", StringComparison.Ordinal);

    /// <summary>Reads every accepted job until it is finished (or the read-back's deadline passes), then its counter.</summary>
    private async Task ReadBackAsync(List<SubmittedJob> jobs, string program)
    {
        var accepted = jobs.Where(j => j.AcceptedAt is not null).ToList();
        var deadline = Stopwatch.StartNew();
        var pending = accepted;
        while (pending.Count > 0 && deadline.Elapsed < settings.ReadBackTimeout)
        {
            await Parallel.ForEachAsync(pending, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (job, _) =>
            {
                job.Final = await TryOnAnySiloAsync(job.Index, c => c.GetJobAsync(job.JobIds.First())) ?? job.Final;
            });
            pending = [.. pending.Where(j => j.Final is null || j.Final.Status is JobStatus.Pending or JobStatus.Matching or JobStatus.Running)];
            if (pending.Count > 0)
            {
                await Task.Delay(TimeSpan.FromSeconds(1));
            }
        }

        await Parallel.ForEachAsync(accepted, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (job, _) =>
        {
            var proof = await TryOnAnySiloAsync(job.Index, c => c.GetStateProofAsync(program, Encoding.UTF8.GetBytes(job.Counter)));
            job.Applied = proof is null ? null : proof.Value is { Length: 8 } value ? BitConverter.ToInt64(value) : 0;
        });
    }

    private async Task<T?> TryOnAnySiloAsync<T>(int index, Func<HttpMarketplaceClient, Task<T>> call)
        where T : class
    {
        // The dev client's rate limit is one budget for the whole cluster: a read-back refused for its rate waits the
        // second the answer asks for and tries again (at most RateLimitedWaits times), other refusals ask the next silo.
        const int RateLimitedWaits = 20;
        var waits = 0;
        for (var i = 0; i < _silos.Count; i++)
        {
            try
            {
                return await call(_silos[(index + i) % _silos.Count].Client);
            }
            catch (HttpApiException e) when (e.Code == "rate_limited" && waits < RateLimitedWaits)
            {
                waits++;
                i--;
                await Task.Delay(TimeSpan.FromSeconds(1));
            }
            catch (MarketplaceException)
            {
                // no answer from this silo, or a refusal (a job it does not know): ask the next
            }
            catch (TaskCanceledException)
            {
                // too slow: ask the next
            }
        }

        return null;
    }
}
