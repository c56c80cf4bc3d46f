namespace Marketplace.Grains.Bench;

/// <summary>The benchmarked grain interface: one small call with an argument and a result.</summary>
public interface IBenchGrain : IGrainWithIntegerKey
{
    /// <summary>Returns <paramref name="value"/> + 1.</summary>
    Task<int> Next(int value);
}

/// <summary>The grain; the direct-call baseline calls the same method body on a plain object.</summary>
public sealed class BenchGrain : Grain, IBenchGrain
{
    /// <inheritdoc />
    public Task<int> Next(int value) => Task.FromResult(value + 1);
}

/// <summary>A grain that forwards each call to a <see cref="IBenchGrain"/>: measures a call made from inside a turn.</summary>
public interface IForwardGrain : IGrainWithIntegerKey
{
    /// <summary>Returns <see cref="IBenchGrain.Next"/> of the bench grain with this key + 1,000,000.</summary>
    Task<int> Next(int value);
}

/// <summary>Calls the bench grain with its own key + 1,000,000 and returns its answer.</summary>
public sealed class ForwardGrain : Grain, IForwardGrain
{
    private IBenchGrain? _target;

    /// <inheritdoc />
    public Task<int> Next(int value) => (_target ??= GrainFactory.GetGrain<IBenchGrain>(this.GetPrimaryKeyLong() + 1_000_000)).Next(value);
}

/// <summary>
/// The direct-call baseline: the grain method's exact body on a plain object (grain classes are created by the
/// runtime, not with <c>new</c>), called through an interface like a grain reference would be.
/// </summary>
public sealed class DirectTarget : IDirectTarget
{
    /// <inheritdoc />
    public Task<int> Next(int value) => Task.FromResult(value + 1);
}

/// <summary>The baseline's interface (not a grain interface).</summary>
public interface IDirectTarget
{
    /// <summary>Returns <paramref name="value"/> + 1.</summary>
    Task<int> Next(int value);
}
