namespace Marketplace.Runtime.Serialization;

/// <summary>Generate a version-tolerant binary codec for this type. Members to serialize carry <see cref="IdAttribute"/>.</summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct, Inherited = false)]
public sealed class GenerateSerializerAttribute : Attribute
{
}

/// <summary>
/// The stable field id of a serialized member. Ids, not names or order, identify fields on the wire: never reuse an id
/// for a different meaning; removed ids are skipped by readers, new ids get defaults from old writers.
/// </summary>
[AttributeUsage(AttributeTargets.Field | AttributeTargets.Property | AttributeTargets.Method)]
public sealed class IdAttribute(uint id) : Attribute
{
    /// <summary>The id.</summary>
    public uint Id { get; } = id;
}

/// <summary>A stable wire name for a type or grain interface, so renaming or moving it does not break stored data.</summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct | AttributeTargets.Interface | AttributeTargets.Method, Inherited = false)]
public sealed class AliasAttribute(string alias) : Attribute
{
    /// <summary>The alias.</summary>
    public string Alias { get; } = alias;
}

/// <summary>Instances never change after construction: local calls pass them without copying.</summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct | AttributeTargets.Parameter)]
public sealed class ImmutableAttribute : Attribute
{
}
