using Marketplace.Chain.Development;
using Marketplace.TestSupport;
using Xunit;

namespace Marketplace.Chain.Tests.Anvil;

/// <summary>
/// A fact that needs a real anvil binary: <c>MARKETPLACE_ANVIL</c>, else
/// <c>contracts/node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil</c> under the repository. Skipped loudly when
/// absent and run by hand; under <c>CI=true</c> it runs and fails.
/// </summary>
public sealed class AnvilFactAttribute : FactAttribute
{
    /// <summary>Creates the attribute; sets <see cref="FactAttribute.Skip"/> when anvil is missing outside CI.</summary>
    public AnvilFactAttribute()
    {
        if (!ExternalService.IsCi && AnvilBinary.Find() is null)
        {
            Skip = $"!!! SKIPPED: anvil not found ({AnvilBinary.Describe()}). Set {AnvilBinary.Variable} to the anvil binary " +
                "(npm package @foundry-rs/anvil-linux-amd64) (under CI=true this test fails instead) !!!";
        }
    }
}
