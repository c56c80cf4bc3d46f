using System.Runtime.CompilerServices;
using Marketplace.GrainInterfaces;

namespace Marketplace.Sdk;

/// <summary>
/// Conveniences built only on <see cref="IMarketplaceClient"/>, so they behave the same over HTTP and grain calls.
/// </summary>
public static class MarketplaceClientExtensions
{
    /// <summary>First pause between two status polls of <see cref="WaitForJobAsync"/>.</summary>
    public static readonly TimeSpan FirstPollDelay = TimeSpan.FromMilliseconds(5);

    /// <summary>Longest pause between two status polls (the pause doubles from <see cref="FirstPollDelay"/> up to this).</summary>
    public static readonly TimeSpan MaxPollDelay = TimeSpan.FromSeconds(1);

    /// <summary>True for the statuses a job never leaves: completed, failed, cancelled, timed out, expired.</summary>
    public static bool IsTerminal(this JobStatus status) => status is JobStatus.Completed or JobStatus.Failed
        or JobStatus.Cancelled or JobStatus.TimedOut or JobStatus.Expired;

    /// <summary>
    /// Polls the job until it is terminal (<see cref="IsTerminal"/>) and returns it. The pause between polls starts at
    /// <see cref="FirstPollDelay"/> and doubles up to <see cref="MaxPollDelay"/>, so short jobs return quickly and
    /// long ones cost few calls.
    /// </summary>
    /// <exception cref="JobWaitTimeoutException">Still not terminal after <paramref name="timeout"/> (the job goes on).</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is not positive.</exception>
    public static async Task<JobInfo> WaitForJobAsync(this IMarketplaceClient client, string jobId, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        var started = TimeProvider.System.GetTimestamp();
        var delay = FirstPollDelay;
        while (true)
        {
            var job = await client.GetJobAsync(jobId, cancellationToken).ConfigureAwait(false);
            if (job.Status.IsTerminal())
            {
                return job;
            }

            var left = timeout - TimeProvider.System.GetElapsedTime(started);
            if (left <= TimeSpan.Zero)
            {
                throw new JobWaitTimeoutException(job, timeout);
            }

            await Task.Delay(delay < left ? delay : left, cancellationToken).ConfigureAwait(false);
            delay = delay * 2 < MaxPollDelay ? delay * 2 : MaxPollDelay;
        }
    }

    /// <summary>
    /// Streams the output of a completed job into <paramref name="destination"/> (verified like any blob download)
    /// and returns the job. A completed job with empty output writes nothing.
    /// </summary>
    /// <exception cref="JobConflictException">The job has not completed (it is pending, running, failed, ...).</exception>
    public static async Task<JobInfo> GetJobOutputAsync(this IMarketplaceClient client, string jobId, Stream destination, IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(destination);
        var job = await client.GetJobAsync(jobId, cancellationToken).ConfigureAwait(false);
        if (job.Status != JobStatus.Completed)
        {
            throw new JobConflictException($"Job {job.JobId} is {job.Status.ToWireName()}: only a completed job has output.");
        }

        if (!string.IsNullOrEmpty(job.OutputBlobId))
        {
            await client.DownloadBlobAsync(job.OutputBlobId, destination, 0, null, progress, cancellationToken).ConfigureAwait(false);
        }

        return job;
    }

    /// <summary>
    /// Uploads the file at <paramref name="path"/> as a blob (streamed from disk).
    /// </summary>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    public static async Task<BlobManifest> UploadFileAsync(this IMarketplaceClient client, string path, string? mediaType = null, IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrEmpty(path);
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
        await using (file.ConfigureAwait(false))
        {
            return await client.UploadBlobAsync(file, mediaType, progress, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Every entry of a paginated list, following each page's cursor until the last page.</summary>
    /// <param name="page">Gets one page: the cursor (null: the first page) and the cancellation token.</param>
    /// <param name="cancellationToken">Stops the walk.</param>
    public static async IAsyncEnumerable<T> AllPagesAsync<T>(Func<string?, CancellationToken, Task<Page<T>>> page, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(page);
        string? cursor = null;
        do
        {
            var current = await page(cursor, cancellationToken).ConfigureAwait(false);
            foreach (var item in current.Items)
            {
                yield return item;
            }

            cursor = current.NextCursor;
        }
        while (cursor is not null);
    }

    /// <summary>The whole program catalog, page after page (<paramref name="pageSize"/> entries a call).</summary>
    public static IAsyncEnumerable<ProgramInfo> ListAllProgramsAsync(this IMarketplaceClient client, int pageSize = PageLimits.Max, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        return AllPagesAsync((cursor, token) => client.ListProgramsAsync(cursor, pageSize, token), cancellationToken);
    }

    /// <summary>Every version deployed under <paramref name="name"/>, page after page.</summary>
    public static IAsyncEnumerable<ProgramInfo> ListAllProgramVersionsAsync(this IMarketplaceClient client, string name, int pageSize = PageLimits.Max, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        return AllPagesAsync((cursor, token) => client.ListProgramVersionsAsync(name, cursor, pageSize, token), cancellationToken);
    }

    /// <summary>All of this client's jobs (optionally in one status), newest first, page after page.</summary>
    public static IAsyncEnumerable<JobSummary> ListAllJobsAsync(this IMarketplaceClient client, JobStatus? status = null, int pageSize = PageLimits.Max, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        return AllPagesAsync((cursor, token) => client.ListJobsAsync(status, pageSize, cursor, token), cancellationToken);
    }

    /// <summary>All registered workers, by id, page after page.</summary>
    public static IAsyncEnumerable<WorkerInfo> ListAllWorkersAsync(this IMarketplaceClient client, int pageSize = PageLimits.Max, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        return AllPagesAsync((cursor, token) => client.ListWorkersAsync(cursor, pageSize, token), cancellationToken);
    }

    /// <summary>A job's whole log, oldest first, page after page.</summary>
    public static IAsyncEnumerable<JobLogEntry> GetAllJobLogsAsync(this IMarketplaceClient client, string jobId, int pageSize = PageLimits.Max, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        return AllPagesAsync((cursor, token) => client.GetJobLogsAsync(jobId, cursor, pageSize, token), cancellationToken);
    }

    /// <summary>The wire name of a status: <c>pending</c>, <c>timed_out</c>, ...</summary>
    public static string ToWireName(this JobStatus status) => status switch
    {
        JobStatus.Pending => "pending",
        JobStatus.Matching => "matching",
        JobStatus.Running => "running",
        JobStatus.Completed => "completed",
        JobStatus.Failed => "failed",
        JobStatus.Cancelled => "cancelled",
        JobStatus.TimedOut => "timed_out",
        JobStatus.Expired => "expired",
        _ => status.ToString(),
    };
}
