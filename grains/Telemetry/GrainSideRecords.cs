using Orleans.Storage;

namespace Marketplace.Grains;

/// <summary>
/// Records a grain keeps beside its own state, one storage row each, in a grain storage provider: for what grows
/// with the grain's history (sealed pages of events, commits since a checkpoint), so that the grain's own record, and
/// so each of its writes, stays small. A record is addressed by a key of the owning grain's choosing, under a row type
/// of its own; the ETag of every row this instance read or wrote is kept, so a replacement needs no extra read and a
/// competing writer is refused (<see cref="InconsistentStateException"/>) as for grain state.
/// </summary>
/// <typeparam name="T">The record type (a <c>[GenerateSerializer]</c> type, stored in the grain state format).</typeparam>
internal sealed class GrainSideRecords<T>
    where T : class, new()
{
    private readonly IGrainStorage _storage;
    private readonly string _stateName;
    private readonly string _rowType;
    private readonly Dictionary<string, string?> _etags = new(StringComparer.Ordinal);

    /// <summary>Records under <paramref name="rowType"/> (for example <c>reputation-page</c>) in
    /// <paramref name="storage"/>, stored as state <paramref name="stateName"/>.</summary>
    public GrainSideRecords(IGrainStorage storage, string rowType, string stateName)
    {
        ArgumentNullException.ThrowIfNull(storage);
        ArgumentException.ThrowIfNullOrEmpty(rowType);
        ArgumentException.ThrowIfNullOrEmpty(stateName);
        _storage = storage;
        _rowType = rowType;
        _stateName = stateName;
    }

    /// <summary>Whether this instance knows the stored ETag of <paramref name="key"/> (it read or wrote it).</summary>
    public bool Knows(string key) => _etags.ContainsKey(key);

    /// <summary>The record stored under <paramref name="key"/>, or null when there is none.</summary>
    public async Task<T?> ReadAsync(string key)
    {
        var state = new GrainState<T>();
        await _storage.ReadStateAsync(_stateName, Id(key), state);
        _etags[key] = state.ETag;
        return state.RecordExists ? state.State : null;
    }

    /// <summary>Stores <paramref name="record"/> under <paramref name="key"/>, replacing what is there.</summary>
    public async Task WriteAsync(string key, T record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (!_etags.TryGetValue(key, out var etag))
        {
            var stored = new GrainState<T>();
            await _storage.ReadStateAsync(_stateName, Id(key), stored);
            etag = stored.ETag;
        }

        var state = new GrainState<T>(record) { ETag = etag, RecordExists = etag is not null };
        await _storage.WriteStateAsync(_stateName, Id(key), state);
        _etags[key] = state.ETag;
    }

    /// <summary>Removes the record under <paramref name="key"/>, if any.</summary>
    public async Task ClearAsync(string key)
    {
        if (!_etags.TryGetValue(key, out var etag))
        {
            var stored = new GrainState<T>();
            await _storage.ReadStateAsync(_stateName, Id(key), stored);
            if (!stored.RecordExists)
            {
                return;
            }

            etag = stored.ETag;
        }

        var state = new GrainState<T>() { ETag = etag, RecordExists = true };
        await _storage.ClearStateAsync(_stateName, Id(key), state);
        _etags.Remove(key);
    }

    private GrainId Id(string key) => GrainId.Create(_rowType, key);
}
