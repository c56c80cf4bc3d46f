using Marketplace.GrainInterfaces;

namespace Marketplace.Silo.Dashboard;

/// <summary>The jobs, throughput and verification sections.</summary>
internal sealed partial class MarketplaceSnapshotReader
{
    /// <summary>Unfinished jobs (beyond the recent ones) whose live state is read, so the counts tell pending,
    /// matching and running apart (a client's list records a job at submit and again when it finishes).</summary>
    internal const int MaxUnfinishedDetails = 200;

    private async Task<JobsRead> ReadJobsAsync(string[] clients, bool clientsTruncated, int recentJobs, bool readEscrows, DateTimeOffset now)
    {
        var window = _options.ThroughputWindowMinutes;
        return await SectionAsync("jobs", () => ReadJobsCoreAsync(clients, clientsTruncated, recentJobs, readEscrows, now), problem => new JobsRead(
            new JobsSection(clients.Length, clientsTruncated, 0, CountStates([]), [], problem),
            new ThroughputSection(window, new int[window], 0, 0, null, null, problem),
            new VerificationSection(0, 0, [], [], problem)));
    }

    private async Task<JobsRead> ReadJobsCoreAsync(string[] clients, bool clientsTruncated, int recentJobs, bool readEscrows, DateTimeOffset now)
    {
        var pages = await Task.WhenAll(clients.Select(client => _grains.GetGrain<IClientJobsGrain>(client).ListAsync(null, null, PageLimits.Max)));
        var listed = new List<(string Client, JobSummary Job)>();
        for (var i = 0; i < clients.Length; i++)
        {
            listed.AddRange(pages[i].Jobs.Select(job => (clients[i], job)));
        }

        listed.Sort((a, b) => b.Job.CreatedAt != a.Job.CreatedAt
            ? b.Job.CreatedAt.CompareTo(a.Job.CreatedAt)
            : string.CompareOrdinal(a.Job.JobId, b.Job.JobId));
        var recent = listed.Take(recentJobs).ToList();
        var detailed = recent
            .Concat(listed.Skip(recentJobs).Where(entry => !IsTerminal(entry.Job.Status)).Take(MaxUnfinishedDetails))
            .ToList();
        var infos = await Task.WhenAll(detailed.Select(entry => ReadJobAsync(entry.Job.JobId, entry.Client)));
        var live = new Dictionary<string, JobInfo>(StringComparer.Ordinal);
        foreach (var info in infos)
        {
            if (info is not null)
            {
                live[info.JobId] = info;
            }
        }

        var escrows = readEscrows
            ? await Task.WhenAll(recent.Select(entry => _grains.GetGrain<ISettlement>(ISettlement.DefaultKey).GetEscrowAsync(entry.Job.JobId)))
            : new JobEscrow?[recent.Count];
        var rows = new List<RecentJob>(recent.Count);
        for (var i = 0; i < recent.Count; i++)
        {
            rows.Add(RowOf(recent[i].Client, recent[i].Job, live.GetValueOrDefault(recent[i].Job.JobId), escrows[i]));
        }

        var states = listed.Select(entry => live.TryGetValue(entry.Job.JobId, out var info) ? info.Status : entry.Job.Status);
        var jobs = new JobsSection(clients.Length, clientsTruncated, listed.Count, CountStates(states), rows, null);
        return new JobsRead(jobs, Throughput(listed.Select(entry => entry.Job), now), Verification(rows, live));
    }

    /// <summary>The job as its client sees it, or null when it is gone (removed between the list and this read).</summary>
    private async Task<JobInfo?> ReadJobAsync(string jobId, string clientId)
    {
        try
        {
            return await _grains.GetGrain<IJobGrain>(jobId).GetAsync(clientId);
        }
        catch (JobNotFoundException)
        {
            return null;
        }
    }

    private static RecentJob RowOf(string client, JobSummary summary, JobInfo? info, JobEscrow? escrow)
    {
        var state = info?.Status ?? summary.Status;
        var completedAt = info?.CompletedAt ?? summary.CompletedAt;
        double? latency = completedAt is { } end && IsTerminal(state) ? (end - summary.CreatedAt).TotalMilliseconds : null;
        var escrowState = escrow switch
        {
            null => EscrowState.None,
            { Settlement: null } => EscrowState.Open,
            { Settlement.Outcome: SettlementOutcome.Paid } => EscrowState.Paid,
            _ => EscrowState.Refunded,
        };
        return new RecentJob(
            summary.JobId,
            client,
            summary.ProgramId,
            state,
            summary.CreatedAt,
            IsTerminal(state) ? completedAt : null,
            latency,
            info?.WorkerId,
            info?.PricePerMillionFuel ?? 0,
            info?.FuelConsumed ?? summary.FuelConsumed,
            info?.FailureReason ?? FailureReason.None,
            info?.Verification?.State,
            info?.Verification?.CommitteeSize ?? 0,
            info?.Verification?.Signers.Count ?? 0,
            info?.ReceiptHash,
            escrowState,
            escrow?.Amount ?? UInt128.Zero);
    }

    private ThroughputSection Throughput(IEnumerable<JobSummary> jobs, DateTimeOffset now)
    {
        var window = _options.ThroughputWindowMinutes;
        var start = now - TimeSpan.FromMinutes(window);
        var perMinute = new int[window];
        var latencies = new List<double>();
        foreach (var job in jobs)
        {
            if (job.Status != JobStatus.Completed || job.CompletedAt is not { } completed || completed <= start || completed > now)
            {
                continue;
            }

            var minute = Math.Min(window - 1, (int)((completed - start).Ticks / TimeSpan.TicksPerMinute));
            perMinute[minute]++;
            latencies.Add(Math.Max(0, (completed - job.CreatedAt).TotalMilliseconds));
        }

        latencies.Sort();
        return new ThroughputSection(
            window,
            perMinute,
            latencies.Count,
            Math.Round((double)latencies.Count / window, 2),
            Percentile(latencies, 0.50),
            Percentile(latencies, 0.95),
            null);
    }

    private static VerificationSection Verification(List<RecentJob> rows, Dictionary<string, JobInfo> live)
    {
        var byState = new List<VerificationCount> { new(null, rows.Count(row => row.Verification is null)) };
        foreach (var state in Enum.GetValues<VerificationState>())
        {
            byState.Add(new VerificationCount(state, rows.Count(row => row.Verification == state)));
        }

        var attention = new List<VerificationNote>();
        foreach (var row in rows)
        {
            if (row.Verification is VerificationState.Verifying or VerificationState.Disputed
                && live.TryGetValue(row.JobId, out var info) && info.Verification is { } verification)
            {
                attention.Add(new VerificationNote(row.JobId, verification.State, verification.CommitteeSize, verification.DistinctResults,
                    verification.Losers, verification.Unavailable, verification.Note));
            }
        }

        return new VerificationSection(rows.Count, rows.Count(row => row.ReceiptHash is not null), byState, attention, null);
    }

    private static List<JobStateCount> CountStates(IEnumerable<JobStatus> states)
    {
        var counts = new int[Enum.GetValues<JobStatus>().Length];
        foreach (var state in states)
        {
            counts[(int)state]++;
        }

        return [.. Enum.GetValues<JobStatus>().Select(state => new JobStateCount(state, counts[(int)state]))];
    }

    private static bool IsTerminal(JobStatus status) => status is not (JobStatus.Pending or JobStatus.Matching or JobStatus.Running);

    private sealed record JobsRead(JobsSection Jobs, ThroughputSection Throughput, VerificationSection Verification);
}
