namespace Marketplace.Runtime.Persistence;

/// <summary>The ADO.NET provider names (invariants) the SQL storage providers accept.</summary>
public static class AdoNetInvariants
{
    /// <summary>SQLite through Microsoft.Data.Sqlite: one local file, the embedded default.</summary>
    public const string Sqlite = "Microsoft.Data.Sqlite";

    /// <summary>PostgreSQL through Npgsql.</summary>
    public const string PostgreSql = "Npgsql";
}
