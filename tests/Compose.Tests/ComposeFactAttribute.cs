using Marketplace.Chain.Development;
using Marketplace.TestSupport;
using Xunit;

namespace Marketplace.Compose.Tests;

/// <summary>A fact that needs PostgreSQL (<c>MARKETPLACE_POSTGRES</c>) and anvil (<c>MARKETPLACE_ANVIL</c> or
/// contracts/node_modules): skipped loudly when either is missing and run by hand; under <c>CI=true</c> it runs and fails.</summary>
public sealed class ComposeFactAttribute : FactAttribute
{
    /// <summary>Creates the attribute.</summary>
    public ComposeFactAttribute()
    {
        Skip = ExternalService.SkipReasonUnlessConfigured(PostgresFactAttribute.Variable, "Start PostgreSQL (see .ci/run) and set it to a connection string");
        if (Skip is null && !ExternalService.IsCi && AnvilBinary.Find() is null)
        {
            Skip = $"!!! SKIPPED: anvil not found ({AnvilBinary.Describe()}). Run `npm ci` in contracts/ or set {AnvilBinary.Variable} (under CI=true this test fails instead) !!!";
        }
    }
}
