using Marketplace.Crypto.Bls.Kernels;
using Xunit;
using Xunit.Abstractions;

namespace Marketplace.Crypto.Tests.Bls;

/// <summary>
/// Tests that switch the process between the generated field kernels and the managed field code. The switch is
/// process-wide, so these run alone, after the parallel tests (xunit's non-parallel collection).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class FieldBackendCollection
{
    public const string Name = "field backend switch";
}

// The same suites again on the managed field code (the fallback where the kernels are unavailable): the BigInteger
// oracles, the curve and pairing properties and every shared BLS vector must hold on both paths.

[Collection(FieldBackendCollection.Name)]
public sealed class FieldTestsOnManagedCode(ITestOutputHelper output) : FieldSuite(output), IDisposable
{
    private readonly ManagedScope scope = new();

    public void Dispose() => scope.Dispose();
}

[Collection(FieldBackendCollection.Name)]
public sealed class CurveAndPairingTestsOnManagedCode(ITestOutputHelper output) : CurveAndPairingSuite(output), IDisposable
{
    private readonly ManagedScope scope = new();

    public void Dispose() => scope.Dispose();
}

[Collection(FieldBackendCollection.Name)]
public sealed class SignatureSchemeTestsOnManagedCode : SignatureSchemeSuite, IDisposable
{
    private readonly ManagedScope scope = new();

    public void Dispose() => scope.Dispose();
}

[Collection(FieldBackendCollection.Name)]
public sealed class BlsVectorTestsOnManagedCode(ITestOutputHelper output) : BlsVectorSuite(output), IDisposable
{
    private readonly ManagedScope scope = new();

    public void Dispose() => scope.Dispose();
}

/// <summary>Switches to the managed field code for its lifetime.</summary>
internal sealed class ManagedScope : IDisposable
{
    private readonly bool previous = FieldKernels.Enabled;

    public ManagedScope()
    {
        FieldKernels.Enabled = false;
    }

    public void Dispose() => FieldKernels.Enabled = previous;
}
