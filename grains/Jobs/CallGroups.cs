namespace Marketplace.Grains.Jobs;

/// <summary>
/// Requests that wait while an earlier group is being sent, then go together: <see cref="Add"/> queues one and
/// answers when its group's call has answered it; one group at a time is sent, at most <c>maxGroup</c> requests each.
/// A group whose call has not answered within <c>stalledAfter</c> no longer holds the others back: while every call
/// under way is that late, the requests waiting go in a group of their own, at most <see cref="MaxCallsUnderWay"/>
/// calls at once. So when the callee's silo has just died (its calls answer only once the silo is declared dead), a
/// new group is refused at once as soon as the silo's connection is known to be gone, instead of waiting behind the
/// call that cannot answer.
/// Not thread-safe: used from one grain activation's turns.
/// </summary>
/// <typeparam name="TRequest">A request.</typeparam>
/// <typeparam name="TResult">What one request is answered with.</typeparam>
internal sealed class CallGroups<TRequest, TResult>(
    Func<TRequest[], Task<(TResult? Result, Exception? Error)[]>> send, int maxGroup, TimeProvider time, TimeSpan stalledAfter)
    where TResult : class
{
    /// <summary>At most this many calls under way at once: one, and one more beside calls that stalled.</summary>
    internal const int MaxCallsUnderWay = 2;

    private readonly List<(TRequest Request, TaskCompletionSource<TResult> Answer)> _waiting = [];
    private int _senders;
    private int _stalled;

    /// <summary>Queues <paramref name="request"/>; the task ends with its answer or its error.</summary>
    public Task<TResult> Add(TRequest request)
    {
        var answer = new TaskCompletionSource<TResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        _waiting.Add((request, answer));
        if (_senders == 0 || MaySendBeside)
        {
            _ = SendAsync();
        }

        return answer.Task;
    }

    /// <summary>Every call under way is late, and another may go beside them.</summary>
    private bool MaySendBeside => _senders < MaxCallsUnderWay && _stalled == _senders;

    private async Task SendAsync()
    {
        _senders++;
        try
        {
            while (_waiting.Count > 0)
            {
                var count = Math.Min(_waiting.Count, maxGroup);
                var group = _waiting.GetRange(0, count);
                _waiting.RemoveRange(0, count);
                var requests = new TRequest[count];
                for (var i = 0; i < count; i++)
                {
                    requests[i] = group[i].Request;
                }

                (TResult? Result, Exception? Error)[] answers;
                var flight = new Flight();
                try
                {
                    var call = send(requests);
                    _ = WatchAsync(call, flight);
                    answers = await call;
                }
                catch (Exception e)
                {
                    // The call failed as a whole (a timeout, an unreachable grain): each request gets its error.
                    foreach (var (_, answer) in group)
                    {
                        answer.TrySetException(e);
                    }

                    continue;
                }
                finally
                {
                    if (flight.Stalled)
                    {
                        flight.Stalled = false;
                        _stalled--;
                    }
                }

                for (var i = 0; i < count; i++)
                {
                    var (result, error) = i < answers.Length ? answers[i] : default;
                    if (result is not null)
                    {
                        group[i].Answer.TrySetResult(result);
                    }
                    else
                    {
                        group[i].Answer.TrySetException(error ?? new InvalidOperationException($"request {i} of a group of {count} got no answer"));
                    }
                }
            }
        }
        finally
        {
            _senders--;
        }
    }

    /// <summary>Counts <paramref name="call"/> as stalled when it has not answered within <c>stalledAfter</c>, and then
    /// sends the requests waiting beside it. Its answer or error is the sender's to take.</summary>
    private async Task WatchAsync(Task call, Flight flight)
    {
        using (var answered = new CancellationTokenSource())
        {
            // Cancelled once the call answers, so the delay's timer goes with it (a cancelled task raises nothing).
            await Task.WhenAny(call, Task.Delay(stalledAfter, time, answered.Token));
            await answered.CancelAsync();
        }

        if (call.IsCompleted)
        {
            return;
        }

        flight.Stalled = true;
        _stalled++;
        if (_waiting.Count > 0 && MaySendBeside)
        {
            _ = SendAsync();
        }
    }

    /// <summary>One group's call: whether it is counted as stalled.</summary>
    private sealed class Flight
    {
        public bool Stalled { get; set; }
    }
}
