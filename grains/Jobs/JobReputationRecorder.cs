// Design: a busy worker finishes many jobs at once, and each ending records an event on the worker's one reputation
// grain, which writes its state per call. The recorder sends one call per worker at a time: events for that worker
// that arrive while a call is out wait for it and go together in the next (RecordManyAsync, one write for all), like
// a group commit. Each job still awaits the call that carried its event, so an event counts once it is stored and a
// job never moves on before its event is recorded; at one job at a time every event goes alone, as before.
using System.Collections.Concurrent;
using Marketplace.GrainInterfaces;
using Microsoft.Extensions.Logging;

namespace Marketplace.Grains.Jobs;

/// <summary>
/// Records the job flow's reputation events on the workers' <see cref="IReputationGrain"/>s for every job of a silo,
/// batching the events of one worker that arrive while its previous call is out (see the design note).
/// Recording never fails a job: an unreachable reputation grain, or one that refuses the event, is logged and the job
/// goes on (the event is lost; a retried attempt records its own).
/// </summary>
internal sealed partial class JobReputationRecorder(GrainReferences<IReputationGrain> reputations, ILogger<JobReputationRecorder> logger)
{
    private readonly ConcurrentDictionary<string, WorkerQueue> _queues = new(StringComparer.Ordinal);

    /// <summary>Records <paramref name="reputationEvent"/>; null when it was recorded (or already had been), else why
    /// it was not.</summary>
    public Task<string?> RecordAsync(ReputationEvent reputationEvent)
    {
        ArgumentNullException.ThrowIfNull(reputationEvent);
        var queue = _queues.GetOrAdd(reputationEvent.WorkerId, static _ => new WorkerQueue());
        var pending = new PendingEvent(reputationEvent);
        bool start;
        lock (queue)
        {
            queue.Waiting.Add(pending);
            start = !queue.Sending;
            queue.Sending = true;
        }

        if (start)
        {
            // The first call goes out in the caller's turn, with no thread hop; the loop's later rounds continue off
            // the caller's scheduler (ConfigureAwait(false)), where they serve other jobs' events.
            _ = SendAsync(reputationEvent.WorkerId, queue);
        }

        return pending.Done.Task;
    }

    /// <summary>Sends the worker's waiting events, up to <see cref="IReputationGrain.MaxEventsPerCall"/> a call, until
    /// none wait.</summary>
    private async Task SendAsync(string workerId, WorkerQueue queue)
    {
        while (true)
        {
            PendingEvent[] batch;
            lock (queue)
            {
                if (queue.Waiting.Count == 0)
                {
                    queue.Sending = false;
                    return;
                }

                var count = Math.Min(queue.Waiting.Count, IReputationGrain.MaxEventsPerCall);
                batch = [.. queue.Waiting.GetRange(0, count)];
                queue.Waiting.RemoveRange(0, count);
            }

            try
            {
                await SendBatchAsync(workerId, batch).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                // Not one of the failures a job shrugs off: each job of the batch gets it, as a direct call would
                // have thrown it, and the loop goes on with the next events.
                foreach (var pending in batch)
                {
                    pending.Done.TrySetException(e);
                }
            }
        }
    }

    private async Task SendBatchAsync(string workerId, PendingEvent[] batch)
    {
        try
        {
            if (batch.Length == 1)
            {
                await reputations.Get(workerId).RecordAsync(batch[0].Event).ConfigureAwait(false);
                batch[0].Done.TrySetResult(null);
                return;
            }

            var events = new ReputationEvent[batch.Length];
            for (var i = 0; i < batch.Length; i++)
            {
                events[i] = batch[i].Event;
            }

            var outcomes = await reputations.Get(workerId).RecordManyAsync(events).ConfigureAwait(false);
            for (var i = 0; i < batch.Length; i++)
            {
                var error = i < outcomes.Length ? outcomes[i].Error : "no outcome was answered for it";
                if (error is not null)
                {
                    LogRefused(logger, batch[i].Event.EventId, workerId, error);
                }

                batch[i].Done.TrySetResult(error is null ? null : $"{nameof(InvalidRequestException)}: {error}");
            }
        }
        catch (Exception e) when (e is TimeoutException or OrleansException or MarketplaceException)
        {
            foreach (var pending in batch)
            {
                LogNotRecorded(logger, e, pending.Event.EventId, workerId);
                pending.Done.TrySetResult($"{e.GetType().Name}: {e.Message}");
            }
        }
    }

    [LoggerMessage(EventId = MarketplaceEventIds.ReputationNotRecorded, Level = LogLevel.Warning, Message = "Reputation event {EventId} of worker {WorkerId} was not recorded; the job goes on")]
    private static partial void LogNotRecorded(ILogger logger, Exception exception, string eventId, string workerId);

    [LoggerMessage(EventId = MarketplaceEventIds.ReputationNotRecorded, Level = LogLevel.Warning, Message = "Reputation event {EventId} of worker {WorkerId} was refused ({Reason}); the job goes on")]
    private static partial void LogRefused(ILogger logger, string eventId, string workerId, string reason);

    /// <summary>One worker's events waiting for a call, and whether a call is out.</summary>
    private sealed class WorkerQueue
    {
        public List<PendingEvent> Waiting { get; } = [];

        public bool Sending { get; set; }
    }

    /// <summary>An event and the job waiting for its outcome.</summary>
    private sealed class PendingEvent(ReputationEvent reputationEvent)
    {
        public ReputationEvent Event { get; } = reputationEvent;

        public TaskCompletionSource<string?> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
