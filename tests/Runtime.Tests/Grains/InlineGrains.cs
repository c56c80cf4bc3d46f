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

    /// <summary>Awaits <paramref name="other"/>.Echo(i) for i in 0..times-1 inside one request; returns the sum.</summary>
    Task<long> CallRepeatedly(IInlineProbeGrain other, int times);

    /// <summary>How deep the stack was during the last call of <see cref="CallRepeatedly"/> (frames).</summary>
    Task<int> DeepestStack();
}

public sealed class InlineProbeGrain : Grain, IInlineProbeGrain
{
    public static readonly AsyncLocal<string?> CallerLocal = new();

    private int _inside;
    private int _maxInside;
    private int _deepestStack;

    public Task<int> Echo(int value) => Task.FromResult(value);

    public Task<string?> ReadCallerLocal() => Task.FromResult(CallerLocal.Value);

    public async Task<string> DescribeContexts()
    {
        var before = $"sync={SynchronizationContext.Current is not null},activation={TaskScheduler.Current != TaskScheduler.Default}";
        await Task.Yield();
        var after = $"sync={SynchronizationContext.Current is not null},activation={TaskScheduler.Current != TaskScheduler.Default}";
        return before + ";" + after;
    }

    public async Task<long> CallRepeatedly(IInlineProbeGrain other, int times)
    {
        long sum = 0;
        _deepestStack = 0;
        for (var i = 0; i < times; i++)
        {
            sum += await other.Echo(i);
            _deepestStack = Math.Max(_deepestStack, new System.Diagnostics.StackTrace(false).FrameCount);
        }

        return sum;
    }

    public Task<int> DeepestStack() => Task.FromResult(_deepestStack);

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
