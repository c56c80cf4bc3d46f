namespace Marketplace.TestSupport;

/// <summary>
/// A clock whose wall time moves only when a test moves it (<see cref="Advance"/>, or <see cref="Now"/> set), so tests
/// wait on events rather than on the wall clock. Safe to read and move from several threads. Timestamps and timers are
/// the system's, as <see cref="TimeProvider.System"/> gives them.
/// </summary>
public sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private long _ticks = start.UtcTicks;

    /// <summary>The clock's time; setting it moves the clock there (backwards too).</summary>
    public DateTimeOffset Now
    {
        get => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);
        set => Interlocked.Exchange(ref _ticks, value.UtcTicks);
    }

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow() => Now;

    /// <summary>Moves the clock on by <paramref name="by"/>.</summary>
    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
}
