using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Marketplace.Grains.Tests.Telemetry;

/// <summary>A call made while a silo starts is asked again, a second apart, while it goes unanswered (a timeout or an
/// Orleans messaging failure), and not when it is refused; a cancelled start stops asking.</summary>
public sealed class StartupCallsTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task UnansweredTriesAreMadeAgainASecondApartUntilOneIsAnswered()
    {
        var clock = new FakeTimeProvider(Start);
        var failures = new Queue<Exception>([new TimeoutException("no answer"), new SiloUnavailableException("silo gone")]);
        var tries = new List<DateTimeOffset>();
        var retried = new List<(string Type, int Attempt)>();
        var calls = StartupCalls.UntilAnsweredAsync(
            () =>
            {
                tries.Add(clock.GetUtcNow());
                return failures.TryDequeue(out var failure) ? Task.FromException(failure) : Task.CompletedTask;
            },
            (e, attempt) => retried.Add((e.GetType().Name, attempt)), clock, CancellationToken.None);

        // Each wait is a timer on the clock: the next try is made only once a second has passed on it.
        for (var wait = 0; wait < 2; wait++)
        {
            SpinWait.SpinUntil(() => tries.Count == wait + 1 && retried.Count == wait + 1, TimeSpan.FromSeconds(30));
            clock.Advance(StartupCalls.RetryDelay - TimeSpan.FromTicks(1));
            Assert.Equal(wait + 1, tries.Count);
            clock.Advance(TimeSpan.FromTicks(1));
        }

        await calls.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal([Start, Start.AddSeconds(1), Start.AddSeconds(2)], tries);
        Assert.Equal([("TimeoutException", 1), ("SiloUnavailableException", 2)], retried);
    }

    [Fact]
    public async Task ARefusalIsThrownAtOnceAndNotAskedAgain()
    {
        var clock = new FakeTimeProvider(Start);
        var tries = 0;
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => StartupCalls.UntilAnsweredAsync(
            () =>
            {
                tries++;
                throw new InvalidOperationException("another key");
            },
            (_, _) => Assert.Fail("a refusal is not retried"), clock, CancellationToken.None));
        Assert.Equal("another key", refused.Message);
        Assert.Equal(1, tries);
    }

    [Fact]
    public async Task ACancelledStartStopsAsking()
    {
        var clock = new FakeTimeProvider(Start);
        using var cancel = new CancellationTokenSource();
        var tries = 0;
        var calls = StartupCalls.UntilAnsweredAsync(
            () =>
            {
                Interlocked.Increment(ref tries);
                return Task.FromException(new TimeoutException("no answer"));
            },
            (_, _) => cancel.Cancel(), clock, cancel.Token);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => calls.WaitAsync(TimeSpan.FromSeconds(30)));
        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(1, Volatile.Read(ref tries));
    }
}
