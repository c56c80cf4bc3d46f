namespace Marketplace.Runtime.Tests.Grains;

public interface ITurnGrain : IGrainWithStringKey
{
    /// <summary>Records overlap: returns the highest number of concurrent turns observed so far.</summary>
    Task<int> Enter(int spins);

    Task Append(int value);

    Task<List<int>> GetLog();

    Task<Guid> GetActivationId();

    [ReadOnly]
    Task<int> ReadSlow(int milliseconds);

    [AlwaysInterleave]
    Task<int> Peek();
}

public sealed class TurnGrain : Grain, ITurnGrain
{
    public static int Constructions;

    private readonly Guid _activationId = Guid.NewGuid();
    private readonly List<int> _log = [];
    private int _inside;
    private int _maxInside;
    private int _readers;

    public TurnGrain()
    {
        Interlocked.Increment(ref Constructions);
    }

    public async Task<int> Enter(int spins)
    {
        _inside++;
        _maxInside = Math.Max(_maxInside, _inside);
        for (var i = 0; i < spins; i++)
        {
            await Task.Yield();
        }

        // Continuations return to the activation: still inside, nobody else ran meanwhile.
        _maxInside = Math.Max(_maxInside, _inside);
        _inside--;
        return _maxInside;
    }

    public async Task Append(int value)
    {
        await Task.Yield();
        _log.Add(value);
    }

    public Task<List<int>> GetLog() => Task.FromResult(_log);

    public Task<Guid> GetActivationId() => Task.FromResult(_activationId);

    public async Task<int> ReadSlow(int milliseconds)
    {
        _readers++;
        var seen = _readers;
        await Task.Delay(milliseconds);
        seen = Math.Max(seen, _readers);
        _readers--;
        return seen;
    }

    public Task<int> Peek() => Task.FromResult(_inside);
}
