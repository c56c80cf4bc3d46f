namespace Marketplace.Runtime.Tests.Grains;

/// <summary>Grain methods that report what a turn started on its caller's thread can see.</summary>
public interface IInlineProbeGrain : IGrainWithStringKey
{
    Task<int> Echo(int value);

    /// <summary>The value of <see cref="InlineProbeGrain.CallerLocal"/> seen inside the turn.</summary>
    Task<string?> ReadCallerLocal();

    /// <summary>Whether a synchronization context was visible, and whether code after an await ran on the activation.</summary>
    Task<string> DescribeContexts();

    /// <summary>A synchronous method that busy-waits inside its turn; returns the most turns seen inside at once.</summary>
    Task<int> EnterAndSpin(int iterations);
}

public sealed class InlineProbeGrain : Grain, IInlineProbeGrain
{
    public static readonly AsyncLocal<string?> CallerLocal = new();

    private int _inside;
    private int _maxInside;

    public Task<int> Echo(int value) => Task.FromResult(value);

    public Task<string?> ReadCallerLocal() => Task.FromResult(CallerLocal.Value);

    public async Task<string> DescribeContexts()
    {
        var before = $"sync={SynchronizationContext.Current is not null},activation={TaskScheduler.Current != TaskScheduler.Default}";
        await Task.Yield();
        var after = $"sync={SynchronizationContext.Current is not null},activation={TaskScheduler.Current != TaskScheduler.Default}";
        return before + ";" + after;
    }

    public Task<int> EnterAndSpin(int iterations)
    {
        _inside++;
        _maxInside = Math.Max(_maxInside, _inside);
        Thread.SpinWait(iterations);
        _maxInside = Math.Max(_maxInside, _inside);
        _inside--;
        return Task.FromResult(_maxInside);
    }
}
