using Xunit;

namespace Marketplace.TestSupport;

/// <summary>A fact that needs a real PostgreSQL named by <c>MARKETPLACE_POSTGRES</c> (an Npgsql connection string).</summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    /// <summary>Environment variable holding the connection string.</summary>
    public const string Variable = "MARKETPLACE_POSTGRES";

    /// <summary>Creates the attribute; sets <see cref="FactAttribute.Skip"/> when PostgreSQL is not configured outside CI.</summary>
    public PostgresFactAttribute()
    {
        Skip = ExternalService.SkipReasonUnlessConfigured(Variable, "Start PostgreSQL (see .ci/run) and set it to a connection string");
    }
}

/// <summary>A theory that needs a real PostgreSQL named by <c>MARKETPLACE_POSTGRES</c>.</summary>
public sealed class PostgresTheoryAttribute : TheoryAttribute
{
    /// <summary>Creates the attribute; sets <see cref="FactAttribute.Skip"/> when PostgreSQL is not configured outside CI.</summary>
    public PostgresTheoryAttribute()
    {
        Skip = ExternalService.SkipReasonUnlessConfigured(PostgresFactAttribute.Variable, "Start PostgreSQL (see .ci/run) and set it to a connection string");
    }
}
