using Marketplace.GrainInterfaces;
using Orleans.Concurrency;

namespace Marketplace.Grains.Jobs;

/// <summary>Groups the silo's escrows (<see cref="IEscrowGroupingGrain"/>). A reentrant stateless worker: it is always
/// local, keeps nothing but the escrows waiting in memory, and one group at a time is at the settlement.</summary>
[StatelessWorker(1)]
[Reentrant]
internal sealed class EscrowGroupingGrain(IGrainFactory grains) : Grain, IEscrowGroupingGrain
{
    private readonly List<(EscrowRequest Request, TaskCompletionSource<JobEscrow> Answer)> _waiting = [];
    private bool _sending;

    /// <inheritdoc />
    public Task<JobEscrow> EscrowAsync(string jobId, string clientId, UInt128 amount)
    {
        var answer = new TaskCompletionSource<JobEscrow>(TaskCreationOptions.RunContinuationsAsynchronously);
        _waiting.Add((new EscrowRequest { JobId = jobId, ClientId = clientId, Amount = amount }, answer));
        if (!_sending)
        {
            _sending = true;
            _ = SendAsync();
        }

        return answer.Task;
    }

    /// <summary>Sends the waiting escrows, a group per settlement call, until none waits.</summary>
    private async Task SendAsync()
    {
        try
        {
            while (_waiting.Count > 0)
            {
                var count = Math.Min(_waiting.Count, ISettlement.MaxEscrowsPerCall);
                var group = _waiting.GetRange(0, count);
                _waiting.RemoveRange(0, count);
                var requests = new EscrowRequest[count];
                for (var i = 0; i < count; i++)
                {
                    requests[i] = group[i].Request;
                }

                EscrowOutcome[] outcomes;
                try
                {
                    outcomes = await grains.GetGrain<ISettlement>(ISettlement.DefaultKey).EscrowManyAsync(requests);
                }
                catch (Exception e)
                {
                    // The call failed as a whole (a timeout, an unreachable settlement): each submit gets its error.
                    foreach (var (_, answer) in group)
                    {
                        answer.TrySetException(e);
                    }

                    continue;
                }

                for (var i = 0; i < count; i++)
                {
                    if (i < outcomes.Length && outcomes[i].Escrow is { } escrow)
                    {
                        group[i].Answer.TrySetResult(escrow);
                    }
                    else
                    {
                        group[i].Answer.TrySetException(i < outcomes.Length && outcomes[i].Error is { } error
                            ? error
                            : new SettlementConflictException($"jobId: the settlement gave no answer for job {group[i].Request.JobId}; submit it again"));
                    }
                }
            }
        }
        finally
        {
            _sending = false;
        }
    }
}
