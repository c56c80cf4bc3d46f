namespace Marketplace.Grains;

/// <summary>Calls a silo makes while it starts, into a cluster that may be busy: a silo that starts during a rolling
/// upgrade under load, or while a survivor is still voting a dead silo out, can see a call go unanswered. The start
/// waits and asks again instead of ending the process; a refusal is not retried.</summary>
internal static class StartupCalls
{
    /// <summary>Time between two tries.</summary>
    public static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    /// <summary>Makes <paramref name="call"/> until it is answered. A try that timed out or failed in Orleans'
    /// messaging is reported to <paramref name="retried"/> (with its try number) and made again after
    /// <see cref="RetryDelay"/>; any other failure ends the calls and is thrown.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled while waiting
    /// to try again.</exception>
    public static async Task UntilAnsweredAsync(Func<Task> call, Action<Exception, int> retried, TimeProvider time, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await call().ConfigureAwait(false);
                return;
            }
            catch (Exception e) when (e is TimeoutException or OrleansException && !cancellationToken.IsCancellationRequested)
            {
                retried(e, attempt);
                await Task.Delay(RetryDelay, time, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
