namespace Marketplace.Runtime.Storage;

/// <summary>A grain's state as held by a storage provider: the value, its ETag and whether a record exists.</summary>
/// <typeparam name="T">The state type.</typeparam>
public interface IGrainState<T>
{
    /// <summary>The state value.</summary>
    T State { get; set; }

    /// <summary>The ETag of the stored record; null when none was read or written yet.</summary>
    string? ETag { get; set; }

    /// <summary>True when a record exists in storage.</summary>
    bool RecordExists { get; set; }
}
