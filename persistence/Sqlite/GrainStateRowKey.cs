namespace Marketplace.Persistence.Sqlite;

/// <summary>
/// The key columns of one <c>OrleansStorage</c> row, mapped from a grain id and a state name.
/// </summary>
/// <remarks>
/// <c>grainidhash</c> is the grain id's uniform hash; <c>grainidn0</c>/<c>grainidn1</c> are 0 and
/// <c>grainidextensionstring</c> holds the whole <c>type/key</c> text, so the grain type is part of the identity
/// (Orleans' AdoNet provider splits integer and GUID keys into n0/n1 and leaves the type out); <c>graintypestring</c>
/// is the state name as in Orleans and <c>graintypehash</c> its <see cref="StableHash"/>.
/// </remarks>
internal readonly record struct GrainStateRowKey(
    int GrainIdHash,
    int GrainTypeHash,
    string GrainTypeString,
    string GrainIdExtensionString,
    string ServiceId)
{
    /// <summary>Maps a grain id and state name.</summary>
    public static GrainStateRowKey Create(string stateName, GrainId grainId, string serviceId) => new(
        unchecked((int)grainId.GetUniformHashCode()),
        unchecked((int)StableHash.ComputeHash(stateName)),
        stateName,
        grainId.ToString(),
        serviceId);

    /// <summary>Adds the key parameters to a command.</summary>
    public void Bind(Microsoft.Data.Sqlite.SqliteCommand command)
    {
        var parameters = command.Parameters;
        parameters.AddWithValue("@grainidhash", GrainIdHash);
        parameters.AddWithValue("@grainidn0", 0L);
        parameters.AddWithValue("@grainidn1", 0L);
        parameters.AddWithValue("@graintypehash", GrainTypeHash);
        parameters.AddWithValue("@graintypestring", GrainTypeString);
        parameters.AddWithValue("@grainidextensionstring", GrainIdExtensionString);
        parameters.AddWithValue("@serviceid", ServiceId);
    }
}
