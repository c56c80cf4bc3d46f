namespace Marketplace.Persistence.Sqlite;

/// <summary>The SQL texts <see cref="SqliteGrainStorage"/> issues. Parameters are named like the columns.</summary>
internal static class GrainStateSql
{
    private const string KeyFilter =
        "grainidhash = @grainidhash AND graintypehash = @graintypehash AND grainidn0 = @grainidn0 AND grainidn1 = @grainidn1 " +
        "AND graintypestring = @graintypestring AND grainidextensionstring = @grainidextensionstring AND serviceid = @serviceid";

    private const string Now = "strftime('%Y-%m-%d %H:%M:%f', 'now')";

    /// <summary>Payload and version of the row, if any.</summary>
    public const string Read = $"SELECT payloadbinary, version FROM OrleansStorage WHERE {KeyFilter} LIMIT 1";

    /// <summary>Version of the row, if any.</summary>
    public const string ReadVersion = $"SELECT version FROM OrleansStorage WHERE {KeyFilter} LIMIT 1";

    /// <summary>Conditional update; returns the new version, or no row on a version mismatch.</summary>
    public const string Update = $"UPDATE OrleansStorage SET payloadbinary = @payloadbinary, modifiedon = {Now}, " +
        $"version = version + 1 WHERE {KeyFilter} AND version = @version RETURNING version";

    /// <summary>Insert-if-absent; returns 1, or no row when a row (live or cleared) exists.</summary>
    public const string Insert = "INSERT INTO OrleansStorage (grainidhash, grainidn0, grainidn1, graintypehash, graintypestring, " +
        "grainidextensionstring, serviceid, payloadbinary, modifiedon, version) " +
        "SELECT @grainidhash, @grainidn0, @grainidn1, @graintypehash, @graintypestring, @grainidextensionstring, " +
        $"@serviceid, @payloadbinary, {Now}, 1 " +
        $"WHERE NOT EXISTS (SELECT 1 FROM OrleansStorage WHERE {KeyFilter}) RETURNING version";

    /// <summary>Conditional clear (payload NULL, version + 1); returns the new version or no row.</summary>
    public const string Clear = $"UPDATE OrleansStorage SET payloadbinary = NULL, modifiedon = {Now}, " +
        $"version = version + 1 WHERE {KeyFilter} AND version = @version RETURNING version";

    /// <summary>Conditional delete; returns the deleted version or no row.</summary>
    public const string Delete = $"DELETE FROM OrleansStorage WHERE {KeyFilter} AND version = @version RETURNING version";
}
