namespace Marketplace.Runtime.Tests.Grains;

public interface ICycleGrain : IGrainWithIntegerKey
{
    /// <summary>Calls <paramref name="next"/>.Bounce(this), which calls back into this grain.</summary>
    Task<string> Start(ICycleGrain next, bool allowChain);

    Task<string> Bounce(ICycleGrain origin);

    Task<string> Ping();

    [AlwaysInterleave]
    Task<string> InterleavedPing();

    Task<string> BounceInterleaved(ICycleGrain origin);
}

public class CycleGrain : Grain, ICycleGrain
{
    public async Task<string> Start(ICycleGrain next, bool allowChain)
    {
        if (allowChain)
        {
            using (RequestContext.AllowCallChainReentrancy())
            {
                return await next.Bounce(this.AsReference<ICycleGrain>());
            }
        }

        return await next.Bounce(this.AsReference<ICycleGrain>());
    }

    public Task<string> Bounce(ICycleGrain origin) => origin.Ping();

    public Task<string> Ping() => Task.FromResult("pong from " + this.GetPrimaryKeyLong());

    public Task<string> InterleavedPing() => Task.FromResult("interleaved pong from " + this.GetPrimaryKeyLong());

    public Task<string> BounceInterleaved(ICycleGrain origin) => origin.InterleavedPing();
}

public interface IReentrantCycleGrain : IGrainWithIntegerKey
{
    Task<string> Start();

    Task<string> Ping();
}

[Reentrant]
public sealed class ReentrantCycleGrain : Grain, IReentrantCycleGrain
{
    public Task<string> Start() =>
        GrainFactory.GetGrain<IBouncerGrain>(this.GetPrimaryKeyLong()).BounceReentrant(this.AsReference<IReentrantCycleGrain>());

    public Task<string> Ping() => Task.FromResult("reentrant pong");
}

public interface IBouncerGrain : IGrainWithIntegerKey
{
    Task<string> BounceReentrant(IReentrantCycleGrain origin);
}

public sealed class BouncerGrain : Grain, IBouncerGrain
{
    public Task<string> BounceReentrant(IReentrantCycleGrain origin) => origin.Ping();
}
