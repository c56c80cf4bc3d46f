using Marketplace.Runtime;

namespace Marketplace.Grains.Bench;

/// <summary>The benchmarked grain interface: one small call with an argument and a result.</summary>
public interface IBenchGrain : IGrainWithIntegerKey
{
    /// <summary>Returns <paramref name="value"/> + 1.</summary>
    Task<int> Next(int value);
}

/// <summary>The grain; the direct-call baseline calls the same method on an instance created with <c>new</c>.</summary>
public sealed class BenchGrain : Grain, IBenchGrain
{
    /// <inheritdoc />
    public Task<int> Next(int value) => Task.FromResult(value + 1);
}

/// <summary>
/// The direct-call baseline: the grain method's exact body on a plain object (grain classes cannot be created with
/// <c>new</c>), called through an interface like a proxy would be.
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
