using Marketplace.Chain.Development;
using Marketplace.TestSupport;
using Xunit;

namespace Marketplace.Settlement.Tests;

/// <summary>A fact that needs anvil (<c>MARKETPLACE_ANVIL</c>, else contracts/node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil):
/// skipped loudly when absent and run by hand; under <c>CI=true</c> it runs and fails.</summary>
public sealed class AnvilFactAttribute : FactAttribute
{
    /// <summary>Creates the attribute.</summary>
    public AnvilFactAttribute()
    {
        if (!ExternalService.IsCi && AnvilBinary.Find() is null)
        {
            Skip = $"!!! SKIPPED: anvil not found ({AnvilBinary.Describe()}). Run `npm ci` in contracts/ or set {AnvilBinary.Variable} (under CI=true this test fails instead) !!!";
        }
    }
}
