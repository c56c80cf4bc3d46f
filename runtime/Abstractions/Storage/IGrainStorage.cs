namespace Marketplace.Runtime.Storage;

/// <summary>
/// A grain state storage provider (Orleans' <c>IGrainStorage</c>): reads, writes and clears one named state of a grain
/// with optimistic concurrency on ETags.
/// </summary>
/// <remarks>
/// Write and clear compare <see cref="IGrainState{T}.ETag"/> with the stored one and throw
/// <see cref="InconsistentStateException"/> on a mismatch (a null ETag means "I expect no record").
/// On success they set the new ETag and <see cref="IGrainState{T}.RecordExists"/>.
/// Read of a missing record leaves <see cref="IGrainState{T}.State"/> as it is (a new default), sets
/// <see cref="IGrainState{T}.RecordExists"/> to false and the ETag to null.
/// </remarks>
public interface IGrainStorage
{
    /// <summary>Reads the state named <paramref name="stateName"/> of <paramref name="grainId"/>.</summary>
    Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState);

    /// <summary>Writes the state if the ETag matches; throws <see cref="InconsistentStateException"/> otherwise.</summary>
    Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState);

    /// <summary>Clears the state if the ETag matches; throws <see cref="InconsistentStateException"/> otherwise.</summary>
    Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState);
}
