namespace Marketplace.Runtime.Storage;

/// <summary>
/// A named piece of grain state kept in a storage provider, injected into the grain constructor with
/// <see cref="PersistentStateAttribute"/>. Read automatically before <c>OnActivateAsync</c>.
/// </summary>
/// <typeparam name="TState">The state type.</typeparam>
public interface IPersistentState<TState>
{
    /// <summary>The state value.</summary>
    TState State { get; set; }

    /// <summary>The ETag last read or written; null when no record exists.</summary>
    string? Etag { get; }

    /// <summary>True when a record exists in storage.</summary>
    bool RecordExists { get; }

    /// <summary>Re-reads the state from storage.</summary>
    Task ReadStateAsync();

    /// <summary>Writes the state; throws <see cref="InconsistentStateException"/> when someone else wrote since.</summary>
    Task WriteStateAsync();

    /// <summary>Clears the state; throws <see cref="InconsistentStateException"/> when someone else wrote since.</summary>
    Task ClearStateAsync();
}

/// <summary>Marks a grain constructor parameter of type <see cref="IPersistentState{TState}"/>.</summary>
[AttributeUsage(AttributeTargets.Parameter)]
public sealed class PersistentStateAttribute(string stateName, string? storageName = null) : Attribute
{
    /// <summary>The state name (one record per grain and state name).</summary>
    public string StateName { get; } = stateName;

    /// <summary>The storage name; null means "Default".</summary>
    public string? StorageName { get; } = storageName;
}
