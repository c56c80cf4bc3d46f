using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Marketplace.Runtime.Tests.Networking;

/// <summary>Collects log entries written by a silo or client so tests can assert that a line was written.</summary>
public sealed class LogCapture : ILoggerProvider
{
    private readonly ConcurrentQueue<(int EventId, LogLevel Level, string Message)> _entries = new();

    public IReadOnlyList<(int EventId, LogLevel Level, string Message)> Entries => [.. _entries];

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    /// <summary>Waits until an entry with <paramref name="eventId"/> whose message contains <paramref name="fragment"/> appears.</summary>
    public async Task<string> WaitForAsync(int eventId, string fragment = "", int timeoutMs = 10_000)
    {
        var deadline = Environment.TickCount64 + timeoutMs;
        while (Environment.TickCount64 < deadline)
        {
            foreach (var e in _entries)
            {
                if (e.EventId == eventId && e.Message.Contains(fragment, StringComparison.Ordinal))
                {
                    return e.Message;
                }
            }

            await Task.Delay(20);
        }

        throw new Xunit.Sdk.XunitException(
            $"No log entry {eventId} containing '{fragment}' within {timeoutMs} ms. Entries:\n{string.Join("\n", _entries.Select(e => $"{e.EventId} {e.Level} {e.Message}"))}");
    }

    public void Dispose()
    {
    }

    private sealed class Logger(LogCapture owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner._entries.Enqueue((eventId.Id, logLevel, formatter(state, exception)));
    }
}
