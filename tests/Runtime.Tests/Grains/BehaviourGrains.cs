using Marketplace.Runtime.Serialization;

namespace Marketplace.Runtime.Tests.Grains;

[GenerateSerializer]
public sealed class Payload
{
    [Id(0)]
    public List<int> Items { get; set; } = [];

    [Id(1)]
    public string? Note { get; set; }
}

[GenerateSerializer]
public sealed class CustomGrainException : Exception
{
    public CustomGrainException(string message)
        : base(message)
    {
    }
}

public interface IBehaviourGrain : IGrainWithStringKey
{
    Task Throw(string message);

    Task ThrowCustom(string message);

    ValueTask<int> Add(int a, int b);

    ValueTask Nothing();

    [ResponseTimeout("00:00:00.300")]
    Task Hang(int milliseconds);

    [OneWay]
    Task FireAndForget(int delayMilliseconds, bool fail);

    Task<int> FireCount();

    Task<object?> GetContextValue(string key);

    Task<object?> GetContextValueVia(IBehaviourGrain other, string key);

    Task<Payload> Mutate(Payload payload);

    Task<bool> WaitForCancellation(CancellationToken cancellationToken);

    Task<int> Echo(int value, CancellationToken cancellationToken);

    Task<IBehaviourGrain> Self();

    Task<string> CallThrough(IBehaviourGrain other);

    Task Deactivate();

    Task<Guid> Identity();

    Task<NoCodecResult> NoCodec();
}

public sealed class NoCodecResult
{
    public int Value { get; set; }
}

public sealed class BehaviourGrain : Grain, IBehaviourGrain
{
    public static readonly System.Collections.Concurrent.ConcurrentBag<string> Deactivations = [];

    private readonly Guid _identity = Guid.NewGuid();
    private int _fired;

    public Task Throw(string message) => throw new InvalidOperationException(message);

    public async Task ThrowCustom(string message)
    {
        await Task.Yield();
        throw new CustomGrainException(message);
    }

    public ValueTask<int> Add(int a, int b) => new(a + b);

    public ValueTask Nothing() => ValueTask.CompletedTask;

    public Task Hang(int milliseconds) => Task.Delay(milliseconds);

    public async Task FireAndForget(int delayMilliseconds, bool fail)
    {
        await Task.Delay(delayMilliseconds);
        if (fail)
        {
            throw new InvalidOperationException("one-way failure");
        }

        _fired++;
    }

    public Task<int> FireCount() => Task.FromResult(_fired);

    public Task<object?> GetContextValue(string key) => Task.FromResult(RequestContext.Get(key));

    public async Task<object?> GetContextValueVia(IBehaviourGrain other, string key)
    {
        RequestContext.Set("callee-set", "x");
        return await other.GetContextValue(key);
    }

    public Task<Payload> Mutate(Payload payload)
    {
        payload.Items.Add(99);
        payload.Note = "mutated";
        return Task.FromResult(payload);
    }

    public async Task<bool> WaitForCancellation(CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(20), cancellationToken);
            return false;
        }
        catch (OperationCanceledException)
        {
            return true;
        }
    }

    public Task<int> Echo(int value, CancellationToken cancellationToken) => Task.FromResult(value);

    public Task<IBehaviourGrain> Self() => Task.FromResult(this.AsReference<IBehaviourGrain>());

    public async Task<string> CallThrough(IBehaviourGrain other) => (await other.Add(20, 22)).ToString(System.Globalization.CultureInfo.InvariantCulture);

    public Task Deactivate()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }

    public Task<Guid> Identity() => Task.FromResult(_identity);

    public Task<NoCodecResult> NoCodec() => Task.FromResult(new NoCodecResult { Value = 1 });

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        Deactivations.Add($"{this.GetPrimaryKeyString()}:{reason.ReasonCode}");
        return Task.CompletedTask;
    }
}

public interface IFailingActivationGrain : IGrainWithStringKey
{
    Task<int> Call(int value);
}

public sealed class FailingActivationGrain : Grain, IFailingActivationGrain
{
    public static int Attempts;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref Attempts);
        await Task.Delay(200, cancellationToken);
        if (this.GetPrimaryKeyString().StartsWith("fail", StringComparison.Ordinal))
        {
            throw new ArgumentException("activation failed for " + this.GetPrimaryKeyString());
        }
    }

    public Task<int> Call(int value) => Task.FromResult(value);
}

public interface IWorkerGrain : IGrainWithIntegerKey
{
    Task<Guid> Work(int milliseconds);
}

[StatelessWorker(3)]
public sealed class WorkerGrain : Grain, IWorkerGrain
{
    private readonly Guid _id = Guid.NewGuid();

    public async Task<Guid> Work(int milliseconds)
    {
        await Task.Delay(milliseconds);
        return _id;
    }
}

public interface IKeysGrain : IGrainWithGuidCompoundKey
{
    Task<string> Describe();
}

[GrainType("keys-test")]
public sealed class KeysGrain : Grain, IKeysGrain
{
    public Task<string> Describe()
    {
        var key = this.GetPrimaryKey(out var ext);
        return Task.FromResult($"{this.GetGrainId().Type}|{key:N}|{ext}");
    }
}

public interface IIntKeyGrain : IGrainWithIntegerCompoundKey
{
    Task<string> Describe();
}

public sealed class IntKeyGrain : Grain, IIntKeyGrain
{
    public Task<string> Describe()
    {
        var key = this.GetPrimaryKeyLong(out var ext);
        return Task.FromResult($"{this.GetGrainId().Type}|{key}|{ext}");
    }
}
