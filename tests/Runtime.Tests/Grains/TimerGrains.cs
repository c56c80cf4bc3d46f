namespace Marketplace.Runtime.Tests.Grains;

public interface ITimerGrain : IGrainWithStringKey
{
    Task Start(int periodMilliseconds, int callbackMilliseconds);

    Task<(int Ticks, int MaxConcurrent, int OverlapsWithRequests)> Stats();

    Task Busy(int milliseconds);

    Task Stop();

    Task Deactivate();
}

public sealed class TimerGrain : Grain, ITimerGrain
{
    public static readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> TicksAfterDeactivation = new();

    private IGrainTimer? _timer;
    private int _ticks;
    private int _inside;
    private int _maxConcurrent;
    private bool _requestRunning;
    private int _overlaps;
    private bool _deactivated;

    public Task Start(int periodMilliseconds, int callbackMilliseconds)
    {
        _timer = RegisterGrainTimer(
            async ct =>
            {
                if (_deactivated)
                {
                    TicksAfterDeactivation.AddOrUpdate(this.GetPrimaryKeyString(), 1, (_, n) => n + 1);
                }

                _inside++;
                _maxConcurrent = Math.Max(_maxConcurrent, _inside);
                if (_requestRunning)
                {
                    _overlaps++;
                }

                await Task.Delay(callbackMilliseconds, CancellationToken.None);
                _ticks++;
                _inside--;
            },
            TimeSpan.FromMilliseconds(periodMilliseconds),
            TimeSpan.FromMilliseconds(periodMilliseconds));
        return Task.CompletedTask;
    }

    public Task<(int Ticks, int MaxConcurrent, int OverlapsWithRequests)> Stats() => Task.FromResult((_ticks, _maxConcurrent, _overlaps));

    public async Task Busy(int milliseconds)
    {
        _requestRunning = true;
        await Task.Delay(milliseconds);
        _requestRunning = false;
    }

    public Task Stop()
    {
        _timer?.Dispose();
        return Task.CompletedTask;
    }

    public Task Deactivate()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _deactivated = true;
        return Task.CompletedTask;
    }
}
