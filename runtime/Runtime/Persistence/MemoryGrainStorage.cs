using System.Globalization;
using Marketplace.Runtime.Storage;

namespace Marketplace.Runtime.Persistence;

/// <summary>
/// Grain state storage in process memory, for tests and development. Same ETag semantics as
/// <see cref="AdoNetGrainStorage"/> (integer versions, insert-if-absent, cleared records keep their version).
/// </summary>
/// <remarks>
/// States are kept serialized with the configured <see cref="IGrainStorageSerializer"/>, so a grain mutating its
/// state object after a write does not change what is stored, and types that do not serialize fail here as they
/// would in a real database. Everything is lost when the process ends.
/// </remarks>
public sealed class MemoryGrainStorage : IGrainStorage
{
    private readonly string _name;
    private readonly IGrainStorageSerializer _serializer;
    private readonly Lock _gate = new();
    private readonly Dictionary<(GrainId Grain, string State), Record> _records = [];

    /// <summary>Creates an empty storage.</summary>
    /// <param name="name">The storage's registered name (appears in errors).</param>
    /// <param name="serializer">The serializer used to copy states in and out.</param>
    public MemoryGrainStorage(string name, IGrainStorageSerializer serializer)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(serializer);
        _name = name;
        _serializer = serializer;
    }

    /// <summary>The storage's registered name.</summary>
    public string Name => _name;

    /// <inheritdoc />
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        Validate(stateName, grainId, grainState);
        Record? record;
        lock (_gate)
        {
            _records.TryGetValue((grainId, stateName), out record);
        }

        if (record is null)
        {
            grainState.RecordExists = false;
            grainState.ETag = null;
            return Task.CompletedTask;
        }

        if (record.Payload is not null)
        {
            grainState.State = Deserialize<T>(record.Payload, grainId, stateName);
        }

        grainState.RecordExists = record.Payload is not null;
        grainState.ETag = Format(record.Version);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        Validate(stateName, grainId, grainState);
        var payload = Serialize(grainState.State, grainId, stateName);
        int version;
        lock (_gate)
        {
            var current = Check("Write", stateName, grainId, grainState.ETag);
            version = (current?.Version ?? 0) + 1;
            _records[(grainId, stateName)] = new Record(payload, version);
        }

        grainState.ETag = Format(version);
        grainState.RecordExists = true;
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        Validate(stateName, grainId, grainState);
        lock (_gate)
        {
            var current = Check("Clear", stateName, grainId, grainState.ETag);
            if (current is null)
            {
                grainState.RecordExists = false;
                return Task.CompletedTask;
            }

            var version = current.Version + 1;
            _records[(grainId, stateName)] = new Record(null, version);
            grainState.ETag = Format(version);
        }

        grainState.RecordExists = false;
        return Task.CompletedTask;
    }

    private Record? Check(string operation, string stateName, GrainId grainId, string? expected)
    {
        _records.TryGetValue((grainId, stateName), out var current);
        var stored = current is null ? null : Format(current.Version);
        if (!string.Equals(stored, expected, StringComparison.Ordinal))
        {
            throw new InconsistentStateException(
                $"{operation} of state '{stateName}' of grain {grainId} in storage '{_name}' lost an ETag check.",
                stored,
                expected);
        }

        return current;
    }

    private static void Validate<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        ArgumentException.ThrowIfNullOrEmpty(stateName);
        ArgumentNullException.ThrowIfNull(grainState);
        if (grainId.IsDefault)
        {
            throw new ArgumentException("The grain id is the default (empty) value.", nameof(grainId));
        }
    }

    private byte[] Serialize<T>(T state, GrainId grainId, string stateName)
    {
        try
        {
            return _serializer.Serialize(state);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            throw new GrainStorageException($"Serializing state of type {typeof(T).Name} failed.", _name, grainId, stateName, ex);
        }
    }

    private T Deserialize<T>(byte[] payload, GrainId grainId, string stateName)
    {
        try
        {
            return _serializer.Deserialize<T>(payload);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            throw new GrainStorageException($"Deserializing stored state as {typeof(T).Name} failed.", _name, grainId, stateName, ex);
        }
    }

    private static string Format(int version) => version.ToString(CultureInfo.InvariantCulture);

    private sealed record Record(byte[]? Payload, int Version);
}
