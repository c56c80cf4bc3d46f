// Design note: every list of the API is assembled here, once, for the HTTP API and the sdk's grain client alike, so
// both give the same pages and accept each other's cursors. A page asks its grains for one entry more than the limit:
// when it comes, another page follows and the cursor names the last entry returned. The catalog is two levels (the
// index of names, then each name's versions): a page continues inside the cursor's name, then takes names after it
// from the index and asks their grains in parallel.

using System.Globalization;
using Marketplace.GrainInterfaces.Json;

namespace Marketplace.GrainInterfaces;

/// <summary>The marketplace's paginated lists with their cursors (<see cref="PageCursor"/>, <see cref="PageLimits"/>).</summary>
public static class Listings
{
    /// <summary>List name of the catalog in cursors.</summary>
    public const string ProgramsList = "programs";

    /// <summary>List name of one name's versions in cursors.</summary>
    public const string ProgramVersionsList = "program-versions";

    /// <summary>List name of a client's jobs in cursors.</summary>
    public const string JobsList = "jobs";

    /// <summary>List name of a job's log in cursors.</summary>
    public const string JobLogsList = "job-logs";

    /// <summary>List name of the settlement journal in cursors.</summary>
    public const string LedgerJournalList = "ledger-journal";

    /// <summary>List name of the workers in cursors.</summary>
    public const string WorkersList = "workers";

    /// <summary>List name of a worker's reputation events in cursors.</summary>
    public const string ReputationEventsList = "reputation-events";

    private const int NamesPerIndexCall = 64;
    private const int NamesAtOnce = 8;

    /// <summary>The catalog: every deployed version, by normalized name, then name, then semantic version.</summary>
    /// <exception cref="InvalidRequestException">A bad <c>limit</c> or <c>cursor</c>.</exception>
    public static async Task<Page<ProgramInfo>> ProgramsAsync(IGrainFactory grains, string? cursor, int limit)
    {
        ArgumentNullException.ThrowIfNull(grains);
        PageLimits.Check(limit);
        var want = limit + 1;
        var items = new List<ProgramInfo>(Math.Min(want, 128));
        string? afterName = null;
        if (cursor is not null)
        {
            var (key, name, version) = ProgramPosition(cursor, ProgramsList);
            items.AddRange(await grains.GetGrain<IProgramNameGrain>(key).ListVersionsAsync(name, version, want));
            afterName = key;
        }

        var catalog = grains.GetGrain<IProgramCatalogGrain>(IProgramCatalogGrain.DefaultKey);
        while (items.Count < want)
        {
            var asked = Math.Min(want - items.Count, NamesPerIndexCall);
            var names = await catalog.ListNamesAsync(afterName, asked);
            for (var i = 0; i < names.Count && items.Count < want; i += NamesAtOnce)
            {
                // Each name may hold up to a page of versions, so only a few are asked at once.
                var remaining = want - items.Count;
                var versions = await Task.WhenAll(names.Skip(i).Take(NamesAtOnce).Select(n => grains.GetGrain<IProgramNameGrain>(n).ListVersionsAsync(null, null, remaining)));
                foreach (var page in versions)
                {
                    items.AddRange(page);
                }
            }

            if (names.Count < asked)
            {
                break;
            }

            afterName = names[^1];
        }

        return Cut(items, limit, last => PageCursor.Encode(ProgramsList, ProgramNames.Normalize(last.Manifest.Name)!, last.Manifest.Name, last.Manifest.Version));
    }

    /// <summary>The versions deployed under one name (all its letter cases), by name then semantic version.</summary>
    /// <exception cref="InvalidRequestException">A bad name, <c>limit</c> or <c>cursor</c> (one of another name's
    /// versions included).</exception>
    /// <exception cref="ProgramNotFoundException">Nothing is deployed under the name.</exception>
    public static async Task<Page<ProgramInfo>> ProgramVersionsAsync(IGrainFactory grains, string name, string? cursor, int limit)
    {
        ArgumentNullException.ThrowIfNull(grains);
        var key = ProgramNames.Normalize(name)
            ?? throw new InvalidRequestException($"name: '{Clip(name ?? "")}' is not a program name (1-64 letters, digits, '-', '_' or '.')");
        PageLimits.Check(limit);
        string? afterName = null;
        string? afterVersion = null;
        if (cursor is not null)
        {
            (var cursorKey, afterName, afterVersion) = ProgramPosition(cursor, ProgramVersionsList);
            if (!string.Equals(cursorKey, key, StringComparison.Ordinal))
            {
                throw new InvalidRequestException($"cursor: it was issued for the versions of '{cursorKey}', not of '{key}'");
            }
        }

        var items = await grains.GetGrain<IProgramNameGrain>(key).ListVersionsAsync(afterName, afterVersion, limit + 1);
        if (cursor is null && items.Count == 0)
        {
            throw new ProgramNotFoundException($"no program named '{name}' is deployed");
        }

        return Cut(items, limit, last => PageCursor.Encode(ProgramVersionsList, key, last.Manifest.Name, last.Manifest.Version));
    }

    /// <summary>A client's jobs, newest first, optionally only those in <paramref name="status"/>. A cursor is bound
    /// to the status filter it was issued with.</summary>
    /// <exception cref="InvalidRequestException">A bad <c>limit</c> or <c>cursor</c>.</exception>
    public static async Task<Page<JobSummary>> JobsAsync(IClientJobsGrain jobs, JobStatus? status, string? cursor, int limit)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        PageLimits.Check(limit);
        var filter = status is { } s ? MarketplaceJson.EnumName(s) : "";
        long? before = null;
        if (cursor is not null)
        {
            var fields = PageCursor.Decode(cursor, JobsList, 2);
            if (!string.Equals(fields[0], filter, StringComparison.Ordinal))
            {
                throw new InvalidRequestException(
                    $"cursor: it was issued for {(fields[0].Length == 0 ? "all jobs" : $"status {Clip(fields[0])}")}, not for {(filter.Length == 0 ? "all jobs" : $"status {filter}")}");
            }

            before = Sequence(cursor, fields[1], minimum: 1);
        }

        var page = await jobs.ListAsync(status, before, limit);
        return new Page<JobSummary>
        {
            Items = page.Jobs,
            NextCursor = page.Next is { } next ? PageCursor.Encode(JobsList, filter, next.ToString(CultureInfo.InvariantCulture)) : null,
        };
    }

    /// <summary>A job's log lines, oldest first. A cursor is bound to its job.</summary>
    /// <exception cref="InvalidRequestException">A bad <c>limit</c> or <c>cursor</c>.</exception>
    public static async Task<Page<JobLogEntry>> JobLogsAsync(IJobGrain job, string jobId, string clientId, string? cursor, int limit)
    {
        ArgumentNullException.ThrowIfNull(job);
        PageLimits.Check(limit);
        long? after = null;
        if (cursor is not null)
        {
            var fields = PageCursor.Decode(cursor, JobLogsList, 2);
            if (!string.Equals(fields[0], jobId, StringComparison.Ordinal))
            {
                throw new InvalidRequestException($"cursor: it was issued for the log of job {Clip(fields[0])}, not of {jobId}");
            }

            after = Sequence(cursor, fields[1], minimum: 0);
        }

        var page = await job.GetLogsAsync(clientId, after, limit);
        return new Page<JobLogEntry>
        {
            Items = page.Logs,
            NextCursor = page.Next is { } next ? PageCursor.Encode(JobLogsList, jobId, next.ToString(CultureInfo.InvariantCulture)) : null,
        };
    }

    /// <summary>The workers heard from, by id.</summary>
    /// <exception cref="InvalidRequestException">A bad <c>limit</c> or <c>cursor</c>.</exception>
    public static async Task<Page<WorkerInfo>> WorkersAsync(IWorkerDirectoryGrain directory, string? cursor, int limit)
    {
        ArgumentNullException.ThrowIfNull(directory);
        PageLimits.Check(limit);
        var after = cursor is null ? null : PageCursor.Decode(cursor, WorkersList, 1)[0];
        if (after is { Length: 0 })
        {
            throw PageCursor.Malformed(cursor!);
        }

        var items = await directory.ListAsync(after, limit + 1);
        return Cut(items, limit, last => PageCursor.Encode(WorkersList, last.WorkerId));
    }

    /// <summary>A worker's kept reputation events, oldest first. A cursor is bound to its worker.</summary>
    /// <exception cref="InvalidRequestException">A bad <c>limit</c> or <c>cursor</c>.</exception>
    public static async Task<Page<ReputationEvent>> ReputationEventsAsync(IReputationGrain reputation, string workerId, string? cursor, int limit)
    {
        ArgumentNullException.ThrowIfNull(reputation);
        PageLimits.Check(limit);
        long? after = null;
        if (cursor is not null)
        {
            var fields = PageCursor.Decode(cursor, ReputationEventsList, 2);
            if (!string.Equals(fields[0], workerId, StringComparison.Ordinal))
            {
                throw new InvalidRequestException($"cursor: it was issued for the events of worker {Clip(fields[0])}, not of {workerId}");
            }

            after = Sequence(cursor, fields[1], minimum: 1);
        }

        var page = await reputation.GetEventsAsync(after, limit);
        return new Page<ReputationEvent>
        {
            Items = page.Events,
            NextCursor = page.Next is { } next ? PageCursor.Encode(ReputationEventsList, workerId, next.ToString(CultureInfo.InvariantCulture)) : null,
        };
    }

    private static (string Key, string Name, string Version) ProgramPosition(string cursor, string list)
    {
        var fields = PageCursor.Decode(cursor, list, 3);
        if (!ProgramNames.IsNormalized(fields[0]) || !string.Equals(ProgramNames.Normalize(fields[1]), fields[0], StringComparison.Ordinal)
            || fields[2].Length is 0 or > 64)
        {
            throw PageCursor.Malformed(cursor);
        }

        return (fields[0], fields[1], fields[2]);
    }

    private static long Sequence(string cursor, string text, long minimum) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= minimum
            ? value
            : throw PageCursor.Malformed(cursor);

    private static Page<T> Cut<T>(List<T> items, int limit, Func<T, string> cursorOf)
    {
        if (items.Count <= limit)
        {
            return new Page<T> { Items = items };
        }

        items.RemoveRange(limit, items.Count - limit);
        return new Page<T> { Items = items, NextCursor = cursorOf(items[^1]) };
    }

    private static string Clip(string text) => text.Length > 40 ? text[..40] + "…" : text;
}
