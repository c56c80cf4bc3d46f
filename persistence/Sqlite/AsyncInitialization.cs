namespace Marketplace.Persistence.Sqlite;

/// <summary>
/// Runs an asynchronous initialisation once; callers share the running attempt, and a failed attempt is retried
/// by the next caller (a file that was unusable at start must not poison the provider for good).
/// </summary>
internal sealed class AsyncInitialization
{
    private readonly Func<CancellationToken, Task> _initialize;
    private readonly Lock _gate = new();
    private volatile Task? _attempt;

    public AsyncInitialization(Func<CancellationToken, Task> initialize) => _initialize = initialize;

    /// <summary>Completes when initialisation has succeeded; throws what the failed attempt threw.</summary>
    public Task EnsureAsync(CancellationToken cancellationToken = default)
    {
        var attempt = _attempt;
        if (attempt is { IsCompletedSuccessfully: true })
        {
            return attempt;
        }

        lock (_gate)
        {
            if (_attempt is null || _attempt.IsFaulted || _attempt.IsCanceled)
            {
                _attempt = _initialize(cancellationToken);
            }

            return _attempt;
        }
    }
}
