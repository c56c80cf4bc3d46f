using Xunit;

namespace Marketplace.Grains.Tests.Execution;

/// <summary>Tests that measure the process's resident set run alone, after the parallel ones: what other tests
/// allocate meanwhile would count as theirs.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ResidentSetCollection
{
    /// <summary>The collection's name.</summary>
    public const string Name = "resident set";
}
