using Xunit;

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
