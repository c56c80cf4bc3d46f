namespace Marketplace.Runtime.Serialization;

/// <summary>
/// How a field's payload is laid out. Every field starts with a varint header <c>(id &lt;&lt; 3) | wireType</c>, so a
/// reader can skip any field it does not know.
/// </summary>
public enum WireType : byte
{
    /// <summary>A LEB128 varint (integers zig-zag encoded when signed, bools, chars, enums).</summary>
    VarInt = 0,

    /// <summary>Four bytes little-endian (float).</summary>
    Fixed32 = 1,

    /// <summary>Eight bytes little-endian (double, DateTime).</summary>
    Fixed64 = 2,

    /// <summary>A varint length then that many bytes (strings, byte arrays, GUIDs, decimals).</summary>
    LengthPrefixed = 3,

    /// <summary>A null value: no payload.</summary>
    Null = 4,

    /// <summary>A 4-byte little-endian length then a sequence of fields (objects, collections).</summary>
    Object = 5,

    /// <summary>A length-prefixed type alias, then an <see cref="Object"/> payload (a subtype of the declared type).</summary>
    TypedObject = 6,
}
