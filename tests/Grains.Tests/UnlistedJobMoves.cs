using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Marketplace.Grains.Tests;

/// <summary>A logger provider that keeps every job move its lifecycle table does not list (event
/// <see cref="MarketplaceEventIds.JobTransitionUnlisted"/>), so a test silo can fail the test that caused one.</summary>
internal sealed class UnlistedJobMoves : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _moves = new();

    /// <summary>The messages of the unlisted moves seen so far.</summary>
    public IReadOnlyCollection<string> Moves => _moves;

    public ILogger CreateLogger(string categoryName) => new Recorder(_moves);

    public void Dispose()
    {
    }

    private sealed class Recorder(ConcurrentQueue<string> moves) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (eventId.Id == MarketplaceEventIds.JobTransitionUnlisted)
            {
                moves.Enqueue(formatter(state, exception));
            }
        }
    }
}
