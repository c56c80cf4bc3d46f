namespace Marketplace.Grains.Jobs;

/// <summary>
/// Requests that wait while an earlier group is being sent, then go together: <see cref="Add"/> queues one and
/// answers when its group's call has answered it; one group at a time is sent, at most <c>maxGroup</c> requests each.
/// Not thread-safe: used from one grain activation's turns.
/// </summary>
/// <typeparam name="TRequest">A request.</typeparam>
/// <typeparam name="TResult">What one request is answered with.</typeparam>
internal sealed class CallGroups<TRequest, TResult>(Func<TRequest[], Task<(TResult? Result, Exception? Error)[]>> send, int maxGroup)
    where TResult : class
{
    private readonly List<(TRequest Request, TaskCompletionSource<TResult> Answer)> _waiting = [];
    private bool _sending;

    /// <summary>Queues <paramref name="request"/>; the task ends with its answer or its error.</summary>
    public Task<TResult> Add(TRequest request)
    {
        var answer = new TaskCompletionSource<TResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        _waiting.Add((request, answer));
        if (!_sending)
        {
            _sending = true;
            _ = SendAsync();
        }

        return answer.Task;
    }

    private async Task SendAsync()
    {
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
                try
                {
                    answers = await send(requests);
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
            _sending = false;
        }
    }
}
