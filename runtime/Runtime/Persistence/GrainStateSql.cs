namespace Marketplace.Runtime.Persistence;

/// <summary>The SQL texts <see cref="AdoNetGrainStorage"/> issues, per vendor. Parameters are named like the columns.</summary>
internal sealed class GrainStateSql
{
    private const string KeyFilter =
        "grainidhash = @grainidhash AND graintypehash = @graintypehash AND grainidn0 = @grainidn0 AND grainidn1 = @grainidn1 " +
        "AND graintypestring = @graintypestring AND grainidextensionstring = @grainidextensionstring AND serviceid = @serviceid";

    private GrainStateSql(string now, string insert, string script)
    {
        Read = $"SELECT payloadbinary, version FROM OrleansStorage WHERE {KeyFilter} LIMIT 1";
        ReadVersion = $"SELECT version FROM OrleansStorage WHERE {KeyFilter} LIMIT 1";
        Update = "UPDATE OrleansStorage SET payloadbinary = @payloadbinary, modifiedon = " + now +
            $", version = version + 1 WHERE {KeyFilter} AND version = @version RETURNING version";
        Insert = insert;
        Clear = "UPDATE OrleansStorage SET payloadbinary = NULL, modifiedon = " + now +
            $", version = version + 1 WHERE {KeyFilter} AND version = @version RETURNING version";
        Delete = $"DELETE FROM OrleansStorage WHERE {KeyFilter} AND version = @version RETURNING version";
        ScriptName = script;
    }

    /// <summary>Payload and version of the row, if any.</summary>
    public string Read { get; }

    /// <summary>Version of the row, if any.</summary>
    public string ReadVersion { get; }

    /// <summary>Conditional update; returns the new version, or no row on a version mismatch.</summary>
    public string Update { get; }

    /// <summary>Insert-if-absent; returns 1, or no row / NULL when a row exists.</summary>
    public string Insert { get; }

    /// <summary>Conditional clear (payload NULL, version + 1); returns the new version or no row.</summary>
    public string Clear { get; }

    /// <summary>Conditional delete; returns the deleted version or no row.</summary>
    public string Delete { get; }

    /// <summary>The embedded schema script.</summary>
    public string ScriptName { get; }

    /// <summary>The SQL for a vendor.</summary>
    public static GrainStateSql For(SqlDatabase database) => database.IsSqlite ? Sqlite : PostgreSql;

    private static readonly GrainStateSql Sqlite = new(
        "strftime('%Y-%m-%d %H:%M:%f', 'now')",
        "INSERT INTO OrleansStorage (grainidhash, grainidn0, grainidn1, graintypehash, graintypestring, " +
        "grainidextensionstring, serviceid, payloadbinary, modifiedon, version) " +
        "SELECT @grainidhash, @grainidn0, @grainidn1, @graintypehash, @graintypestring, @grainidextensionstring, " +
        "@serviceid, @payloadbinary, strftime('%Y-%m-%d %H:%M:%f', 'now'), 1 " +
        $"WHERE NOT EXISTS (SELECT 1 FROM OrleansStorage WHERE {KeyFilter}) RETURNING version",
        SchemaScripts.SqlitePersistence);

    private static readonly GrainStateSql PostgreSql = new(
        "(now() AT TIME ZONE 'utc')",
        "SELECT insert_grain_state(@grainidhash, @grainidn0, @grainidn1, @graintypehash, @graintypestring, " +
        "@grainidextensionstring, @serviceid, @payloadbinary)",
        SchemaScripts.PostgreSqlPersistence);
}
