namespace Marketplace.Runtime.Persistence;

/// <summary>
/// The key columns of one <c>OrleansStorage</c> row, mapped from a grain id and a state name.
/// </summary>
/// <remarks>
/// Our <see cref="GrainId"/> is a type name plus a canonical string key, so: <c>grainidhash</c> is the grain id's
/// uniform hash, <c>grainidn0</c>/<c>grainidn1</c> are 0, <c>grainidextensionstring</c> is the whole
/// <c>type/key</c> text (the grain type is part of the identity, and a type cannot contain '/'),
/// <c>graintypestring</c> is the state name as in Orleans and <c>graintypehash</c> its stable hash.
/// </remarks>
internal readonly record struct GrainStateRowKey(
    int GrainIdHash,
    long GrainIdN0,
    long GrainIdN1,
    int GrainTypeHash,
    string GrainTypeString,
    string GrainIdExtensionString,
    string ServiceId)
{
    /// <summary>Longest state name and grain id text the PostgreSQL columns hold (varchar(512)).</summary>
    public const int MaxStringLength = 512;

    /// <summary>Maps a grain id and state name; null when either text is longer than <see cref="MaxStringLength"/>.</summary>
    public static GrainStateRowKey? TryCreate(string stateName, GrainId grainId, string serviceId)
    {
        var idText = grainId.ToString();
        if (stateName.Length > MaxStringLength || idText.Length > MaxStringLength)
        {
            return null;
        }

        return new GrainStateRowKey(
            unchecked((int)grainId.GetUniformHashCode()),
            0,
            0,
            unchecked((int)StableHash.Of(stateName)),
            stateName,
            idText,
            serviceId);
    }
}
