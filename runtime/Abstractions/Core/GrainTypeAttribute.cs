namespace Marketplace.Runtime;

/// <summary>
/// Gives a grain class its durable type name (the type part of <see cref="GrainId"/>). Without it the name is the
/// class name in lower case with a trailing "Grain" removed (<c>UserGrain</c> → <c>user</c>).
/// Treat the name as a durable identifier: stored state and reminders are keyed by it.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class GrainTypeAttribute(string grainType) : Attribute
{
    /// <summary>The grain type name.</summary>
    public string GrainType { get; } = grainType;
}
