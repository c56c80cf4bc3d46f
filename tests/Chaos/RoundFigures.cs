using System.Globalization;
using Marketplace.GrainInterfaces;

namespace Marketplace.Chaos;

/// <summary>What one round's client saw, worked out from its jobs once they were read back.</summary>
internal sealed class RoundFigures
{
    public required string Round { get; init; }

    public int Submitted { get; init; }

    public int Accepted { get; init; }

    /// <summary>Accepted on the first or second try.</summary>
    public int WithinTwoTries { get; init; }

    public int MostTries { get; init; }

    public int Completed { get; init; }

    /// <summary>Failed, timed out, expired or cancelled, by reason.</summary>
    public SortedDictionary<string, int> FailedByReason { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Accepted, but not found or not finished when the read-back gave up.</summary>
    public int Lost { get; init; }

    /// <summary>Jobs whose counter read back more than 1.</summary>
    public int AppliedMoreThanOnce { get; init; }

    /// <summary>The counter values above 1 that were read, each once.</summary>
    public SortedSet<long> RepeatedCounts { get; init; } = [];

    /// <summary>Completed jobs whose counter read back 0.</summary>
    public int CompletedWithoutEffect { get; init; }

    /// <summary>Request ids that two silos answered with different job ids.</summary>
    public int SplitRequestIds { get; init; }

    public TimeSpan LongestGap { get; init; }

    /// <summary>When the longest gap began, from the fault (negative: before it).</summary>
    public TimeSpan LongestGapFrom { get; init; }

    /// <summary>The accepted jobs whose last try waited longest for its answer, slowest first: where a stall shows.</summary>
    public IReadOnlyList<SubmittedJob> SlowestAccepts { get; init; } = [];

    /// <summary>When the fault happened (for printing times relative to it).</summary>
    public DateTimeOffset FaultAt { get; init; }

    /// <summary>Jobs accepted before the fault and not finished at it.</summary>
    public int OpenAtFault { get; init; }

    /// <summary>How long after the fault the last of them finished; null when one never did.</summary>
    public TimeSpan? OpenJobsFinishedAfter { get; init; }

    /// <summary>The jobs open at the fault that finished last, last first: where a slow recovery shows.</summary>
    public IReadOnlyList<SubmittedJob> LastOpenFinished { get; init; } = [];

    /// <summary>Submit (first try) to accepted, median and 99th percentile, of accepted jobs.</summary>
    public (TimeSpan P50, TimeSpan P99) AcceptLatency { get; init; }

    /// <summary>Submit (first try) to finished, median and 99th percentile, of completed jobs.</summary>
    public (TimeSpan P50, TimeSpan P99) CompleteLatency { get; init; }

    /// <summary>Completed jobs per second, from the stream's start to the last completion.</summary>
    public double CompletedPerSecond { get; init; }

    /// <summary>Refused tries by what the client got (silo, status and code, or no connection).</summary>
    public SortedDictionary<string, int> Refusals { get; init; } = new(StringComparer.Ordinal);

    public static RoundFigures From(string round, IReadOnlyList<SubmittedJob> jobs, DateTimeOffset faultAt, DateTimeOffset streamStart)
    {
        int accepted = 0, withinTwo = 0, mostTries = 0, completed = 0, lost = 0, twice = 0, noEffect = 0, split = 0, open = 0;
        var failed = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var refusals = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var repeated = new SortedSet<long>();
        var acceptedAt = new List<DateTimeOffset>();
        var acceptLatency = new List<TimeSpan>();
        var completeLatency = new List<TimeSpan>();
        var lastCompleted = streamStart;
        DateTimeOffset? lastOpenFinished = null;
        var anOpenJobNeverFinished = false;
        foreach (var job in jobs)
        {
            foreach (var refusal in job.Refusals)
            {
                refusals[refusal] = refusals.GetValueOrDefault(refusal) + 1;
            }

            if (job.AcceptedAt is not { } at)
            {
                continue;
            }

            accepted++;
            acceptedAt.Add(at);
            acceptLatency.Add(at - job.Due);
            withinTwo += job.Tries <= 2 ? 1 : 0;
            mostTries = Math.Max(mostTries, job.Tries);
            split += job.JobIds.Count > 1 ? 1 : 0;
            if (job.Applied is > 1 and var n)
            {
                twice++;
                repeated.Add(n);
            }

            var final = job.Final;
            var terminal = final is not null && final.Status is JobStatus.Completed or JobStatus.Failed or JobStatus.TimedOut or JobStatus.Expired or JobStatus.Cancelled;
            if (!terminal)
            {
                lost++;
            }
            else if (final!.Status == JobStatus.Completed)
            {
                completed++;
                noEffect += job.Applied == 0 ? 1 : 0;
                if (final.CompletedAt is { } done)
                {
                    completeLatency.Add(done - job.Due);
                    lastCompleted = done > lastCompleted ? done : lastCompleted;
                }
            }
            else
            {
                var reason = final.Status == JobStatus.Failed ? Snake(final.FailureReason.ToString()) : Snake(final.Status.ToString());
                failed[reason] = failed.GetValueOrDefault(reason) + 1;
            }

            var finishedAt = terminal ? final!.CompletedAt : null;
            if (at < faultAt && (finishedAt is null || finishedAt > faultAt))
            {
                open++;
                if (finishedAt is { } f)
                {
                    lastOpenFinished = lastOpenFinished is { } l && l > f ? l : f;
                }
                else
                {
                    anOpenJobNeverFinished = true;
                }
            }
        }

        // Gaps between accepted submits, from the first one: the wait for the very first answer (a cold cluster's first
        // escrow group) is the accept latency's, not a gap.
        acceptedAt.Sort();
        var gap = TimeSpan.Zero;
        var gapFrom = acceptedAt.Count > 0 ? acceptedAt[0] : streamStart;
        var previous = gapFrom;
        foreach (var at in acceptedAt)
        {
            if (at - previous > gap)
            {
                gap = at - previous;
                gapFrom = previous;
            }

            previous = at;
        }

        var lastOpen = jobs.Where(j => j.AcceptedAt is { } a && a < faultAt && j.Final?.CompletedAt is { } f && f > faultAt)
            .OrderByDescending(j => j.Final!.CompletedAt)
            .Take(3)
            .ToList();
        var slowest = jobs.Where(j => j.AcceptedAt is not null && j.LastTryAt is not null)
            .OrderByDescending(j => j.AcceptedAt!.Value - j.LastTryAt!.Value)
            .Take(5)
            .ToList();

        return new RoundFigures
        {
            Round = round,
            Submitted = jobs.Count,
            Accepted = accepted,
            WithinTwoTries = withinTwo,
            MostTries = mostTries,
            Completed = completed,
            FailedByReason = failed,
            Lost = lost,
            AppliedMoreThanOnce = twice,
            RepeatedCounts = repeated,
            CompletedWithoutEffect = noEffect,
            SplitRequestIds = split,
            LongestGap = gap,
            LongestGapFrom = gapFrom - faultAt,
            SlowestAccepts = slowest,
            FaultAt = faultAt,
            OpenAtFault = open,
            LastOpenFinished = lastOpen,
            OpenJobsFinishedAfter = anOpenJobNeverFinished ? null : lastOpenFinished is { } last ? last - faultAt : TimeSpan.Zero,
            Refusals = refusals,
            AcceptLatency = Percentiles(acceptLatency),
            CompleteLatency = Percentiles(completeLatency),
            CompletedPerSecond = lastCompleted > streamStart ? completed / (lastCompleted - streamStart).TotalSeconds : 0,
        };
    }

    private static (TimeSpan P50, TimeSpan P99) Percentiles(List<TimeSpan> values)
    {
        if (values.Count == 0)
        {
            return (TimeSpan.Zero, TimeSpan.Zero);
        }

        values.Sort();
        return (values[(values.Count - 1) / 2], values[(int)Math.Ceiling(values.Count * 0.99) - 1]);
    }

    public void Print(TextWriter output)
    {
        var c = CultureInfo.InvariantCulture;
        output.WriteLine($"[chaos] round {Round}");
        output.WriteLine(string.Create(c, $"  accepted           {Accepted} / {Submitted} ({WithinTwoTries} within two tries, most tries {MostTries})"));
        output.WriteLine(string.Create(c, $"  completed          {Completed} ({CompletedPerSecond:0.0} a second from the stream's start to the last)"));
        output.WriteLine(string.Create(c, $"  submit to accepted p50 {AcceptLatency.P50.TotalMilliseconds:0} ms, p99 {AcceptLatency.P99.TotalMilliseconds:0} ms"));
        output.WriteLine(string.Create(c, $"  submit to completed p50 {CompleteLatency.P50.TotalMilliseconds:0} ms, p99 {CompleteLatency.P99.TotalMilliseconds:0} ms"));
        output.WriteLine($"  failed             {(FailedByReason.Count == 0 ? "0" : string.Join(", ", FailedByReason.Select(f => $"{f.Value} {f.Key}")))}");
        output.WriteLine(string.Create(c, $"  lost               {Lost}"));
        output.WriteLine(string.Create(c, $"  applied twice      {AppliedMoreThanOnce}{(RepeatedCounts.Count > 0 ? $" (counters read {string.Join(", ", RepeatedCounts)})" : "")}"));
        output.WriteLine(string.Create(c, $"  completed, no effect {CompletedWithoutEffect}"));
        output.WriteLine(string.Create(c, $"  split request ids  {SplitRequestIds}"));
        output.WriteLine(string.Create(c, $"  longest gap        {LongestGap.TotalSeconds:0.00} s between accepted submits, from {LongestGapFrom.TotalSeconds:0.00} s after the fault"));
        foreach (var job in SlowestAccepts)
        {
            output.WriteLine(string.Create(c, $"  slow accept        {job.JobIds.FirstOrDefault()} on {job.AcceptedBy} (try {job.Tries}): sent {(job.LastTryAt!.Value - FaultAt).TotalSeconds:0.00} s after the fault, answered {(job.AcceptedAt!.Value - job.LastTryAt.Value).TotalSeconds:0.00} s later"));
        }
        output.WriteLine(string.Create(c, $"  open at the fault  {OpenAtFault}, all finished {(OpenJobsFinishedAfter is { } t ? $"{t.TotalSeconds:0.0} s after it" : "NEVER")}"));
        foreach (var (what, count) in Refusals.OrderByDescending(r => r.Value).Take(8))
        {
            output.WriteLine(string.Create(c, $"  refused try        {count} × {what}"));
        }
    }

    private static string Snake(string name) =>
        string.Concat(name.Select((ch, i) => char.IsUpper(ch) ? (i > 0 ? "_" : "") + char.ToLowerInvariant(ch) : ch.ToString()));
}
