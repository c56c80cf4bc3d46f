// Design note. Each operation is one short SQL statement on a pooled connection, so the database itself is the
// arbiter of concurrency: a write with ETag v is "UPDATE ... WHERE key AND version = v RETURNING version", a write
// without ETag is an insert-if-absent, a clear is a conditional update to a NULL payload (or a conditional delete).
// When the statement changes no row the stored version is read back for the InconsistentStateException message.
// The ETag is the integer version column as decimal text. Database failures become GrainStorageException.
using System.Data.Common;
using System.Globalization;
using Marketplace.Runtime.Storage;

namespace Marketplace.Runtime.Persistence;

/// <summary>
/// Grain state storage in a SQL table with Orleans' <c>OrleansStorage</c> layout, on SQLite (the embedded default)
/// or PostgreSQL. Optimistic concurrency on an integer version used as the ETag.
/// </summary>
/// <remarks>
/// Key mapping: see <c>runtime/README-persistence.md</c>. The schema is applied on first use and at host start
/// when <see cref="AdoNetGrainStorageOptions.CreateSchema"/> is true. Clearing keeps the row with a NULL payload and
/// a new version unless <see cref="AdoNetGrainStorageOptions.DeleteStateOnClear"/> is set. Clearing does not touch
/// <see cref="IGrainState{T}.State"/>; a read of a cleared row leaves it as it is, sets
/// <see cref="IGrainState{T}.RecordExists"/> false and keeps the row's ETag.
/// </remarks>
public sealed class AdoNetGrainStorage : IGrainStorage, IAsyncDisposable, IDisposable
{
    private readonly string _name;
    private readonly string _serviceId;
    private readonly bool _deleteStateOnClear;
    private readonly IGrainStorageSerializer _serializer;
    private readonly SqlDatabase _database;
    private readonly GrainStateSql _sql;
    private readonly AsyncInitialization _schema;

    /// <summary>Creates the provider; no database work happens until first use or <see cref="InitializeAsync"/>.</summary>
    /// <param name="name">The storage's registered name (appears in errors).</param>
    /// <param name="options">The options; copied, later changes have no effect.</param>
    /// <param name="serializer">The payload serializer, used when <see cref="AdoNetGrainStorageOptions.Serializer"/> is null.</param>
    /// <exception cref="ArgumentException">The options are invalid (unknown invariant, empty connection string, bad service id).</exception>
    public AdoNetGrainStorage(string name, AdoNetGrainStorageOptions options, IGrainStorageSerializer? serializer)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(options);
        ValidateServiceId(options.ServiceId);
        _name = name;
        _serviceId = options.ServiceId;
        _deleteStateOnClear = options.DeleteStateOnClear;
        _serializer = options.Serializer ?? serializer ?? throw new ArgumentException(
            $"Storage '{name}' has no serializer: register an IGrainStorageSerializer or set AdoNetGrainStorageOptions.Serializer.",
            nameof(serializer));
        _database = SqlDatabase.Create(options.Invariant, options.ConnectionString, options.BusyTimeout);
        _sql = GrainStateSql.For(_database);
        var createSchema = options.CreateSchema;
        _schema = new AsyncInitialization(ct => createSchema ? ApplySchemaAsync(ct) : Task.CompletedTask);
    }

    /// <summary>The storage's registered name.</summary>
    public string Name => _name;

    /// <summary>
    /// Applies the schema script when <see cref="AdoNetGrainStorageOptions.CreateSchema"/> is set (idempotent; also
    /// done lazily by the first operation). Throws <see cref="GrainStorageException"/> when the database is unreachable.
    /// </summary>
    public Task InitializeAsync(CancellationToken cancellationToken = default) => _schema.EnsureAsync(cancellationToken);

    /// <inheritdoc />
    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var key = MapKey(stateName, grainId, grainState);
        await EnsureSchemaAsync(grainId, stateName).ConfigureAwait(false);
        byte[]? payload = null;
        int? version = null;
        var found = false;
        try
        {
            await using var session = await _database.OpenSessionAsync(CancellationToken.None).ConfigureAwait(false);
            var command = session.Command(_sql.Read);
            AddKey(command, key);
            await using var reader = await command.ExecuteReaderAsync().ConfigureAwait(false);
            if (await reader.ReadAsync().ConfigureAwait(false))
            {
                found = true;
                payload = reader.IsDBNull(0) ? null : reader.GetFieldValue<byte[]>(0);
                version = reader.IsDBNull(1) ? null : reader.GetInt32(1);
            }
        }
        catch (DbException ex)
        {
            throw Failure("Reading grain state failed.", grainId, stateName, ex);
        }

        if (!found)
        {
            grainState.RecordExists = false;
            grainState.ETag = null;
            return;
        }

        if (payload is not null)
        {
            grainState.State = Deserialize<T>(payload, grainId, stateName);
        }

        grainState.RecordExists = payload is not null;
        grainState.ETag = FormatETag(version);
    }

    /// <inheritdoc />
    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var key = MapKey(stateName, grainId, grainState);
        var payload = Serialize(grainState.State, grainId, stateName);
        var expected = grainState.ETag;
        await EnsureSchemaAsync(grainId, stateName).ConfigureAwait(false);
        int? expectedVersion = null;
        if (expected is not null)
        {
            expectedVersion = ParseETag(expected);
            if (expectedVersion is null)
            {
                // An ETag this provider never issued cannot match any row.
                throw await ConflictAsync("Write", key, grainId, stateName, expected).ConfigureAwait(false);
            }
        }

        int? newVersion;
        try
        {
            await using var session = await _database.OpenSessionAsync(CancellationToken.None).ConfigureAwait(false);
            var command = session.Command(expectedVersion is null ? _sql.Insert : _sql.Update);
            AddKey(command, key);
            SqlDatabase.AddParameter(command, "payloadbinary", payload);
            if (expectedVersion is not null)
            {
                SqlDatabase.AddParameter(command, "version", expectedVersion.Value);
            }

            newVersion = await ExecuteVersionAsync(command).ConfigureAwait(false);
        }
        catch (DbException ex)
        {
            throw Failure("Writing grain state failed.", grainId, stateName, ex);
        }

        if (newVersion is null)
        {
            throw await ConflictAsync("Write", key, grainId, stateName, expected).ConfigureAwait(false);
        }

        grainState.ETag = FormatETag(newVersion);
        grainState.RecordExists = true;
    }

    /// <inheritdoc />
    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var key = MapKey(stateName, grainId, grainState);
        var expected = grainState.ETag;
        await EnsureSchemaAsync(grainId, stateName).ConfigureAwait(false);
        if (expected is null)
        {
            // "I expect no record": fine when there is none, a conflict when someone wrote one.
            var stored = await ReadVersionAsync(key, grainId, stateName).ConfigureAwait(false);
            if (stored is not null)
            {
                throw new InconsistentStateException(
                    $"Clear of state '{stateName}' of grain {grainId} in storage '{_name}' found a record it did not expect.",
                    FormatETag(stored),
                    null);
            }

            grainState.RecordExists = false;
            return;
        }

        var expectedVersion = ParseETag(expected);
        int? result = null;
        if (expectedVersion is not null)
        {
            try
            {
                await using var session = await _database.OpenSessionAsync(CancellationToken.None).ConfigureAwait(false);
                var command = session.Command(_deleteStateOnClear ? _sql.Delete : _sql.Clear);
                AddKey(command, key);
                SqlDatabase.AddParameter(command, "version", expectedVersion.Value);
                result = await ExecuteVersionAsync(command).ConfigureAwait(false);
            }
            catch (DbException ex)
            {
                throw Failure("Clearing grain state failed.", grainId, stateName, ex);
            }
        }

        if (result is null)
        {
            throw await ConflictAsync("Clear", key, grainId, stateName, expected).ConfigureAwait(false);
        }

        grainState.ETag = _deleteStateOnClear ? null : FormatETag(result);
        grainState.RecordExists = false;
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _database.DisposeAsync();

    /// <inheritdoc />
    public void Dispose() => _database.Dispose();

    internal static void ValidateServiceId(string? serviceId)
    {
        if (string.IsNullOrWhiteSpace(serviceId) || serviceId.Length > 150)
        {
            throw new ArgumentException("ServiceId must be 1 to 150 characters.", nameof(serviceId));
        }
    }

    private string SchemaFailureMessage => $"Applying schema script {_sql.ScriptName} ({_database.Invariant}) failed.";

    private async Task ApplySchemaAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _database.ApplyScriptAsync(SchemaScripts.Load(_sql.ScriptName), cancellationToken).ConfigureAwait(false);
        }
        catch (DbException ex)
        {
            throw new GrainStorageException(SchemaFailureMessage, _name, default, null, ex);
        }
        catch (InvalidOperationException ex)
        {
            throw new GrainStorageException(SchemaFailureMessage, _name, default, null, ex);
        }
    }

    private async Task EnsureSchemaAsync(GrainId grainId, string stateName)
    {
        var initialization = _schema.EnsureAsync();
        if (initialization.IsCompletedSuccessfully)
        {
            return;
        }

        try
        {
            await initialization.ConfigureAwait(false);
        }
        catch (GrainStorageException ex)
        {
            // Name the grain and state whose operation found the database unusable.
            throw new GrainStorageException(SchemaFailureMessage, _name, grainId, stateName, ex.InnerException ?? ex);
        }
    }

    private GrainStateRowKey MapKey<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        ArgumentException.ThrowIfNullOrEmpty(stateName);
        ArgumentNullException.ThrowIfNull(grainState);
        if (grainId.IsDefault)
        {
            throw new ArgumentException("The grain id is the default (empty) value.", nameof(grainId));
        }

        return GrainStateRowKey.TryCreate(stateName, grainId, _serviceId)
            ?? throw new GrainStorageException(
                $"The state name or grain id is longer than {GrainStateRowKey.MaxStringLength} characters and does not fit the table.",
                _name,
                grainId,
                stateName,
                null);
    }

    private static void AddKey(DbCommand command, in GrainStateRowKey key)
    {
        SqlDatabase.AddParameter(command, "grainidhash", key.GrainIdHash);
        SqlDatabase.AddParameter(command, "grainidn0", key.GrainIdN0);
        SqlDatabase.AddParameter(command, "grainidn1", key.GrainIdN1);
        SqlDatabase.AddParameter(command, "graintypehash", key.GrainTypeHash);
        SqlDatabase.AddParameter(command, "graintypestring", key.GrainTypeString);
        SqlDatabase.AddParameter(command, "grainidextensionstring", key.GrainIdExtensionString);
        SqlDatabase.AddParameter(command, "serviceid", key.ServiceId);
    }

    private static async Task<int?> ExecuteVersionAsync(DbCommand command)
    {
        var value = await command.ExecuteScalarAsync().ConfigureAwait(false);
        return value is null or DBNull ? null : Convert.ToInt32(value, CultureInfo.InvariantCulture);
    }

    private async Task<int?> ReadVersionAsync(GrainStateRowKey key, GrainId grainId, string stateName)
    {
        try
        {
            await using var session = await _database.OpenSessionAsync(CancellationToken.None).ConfigureAwait(false);
            var command = session.Command(_sql.ReadVersion);
            AddKey(command, key);
            return await ExecuteVersionAsync(command).ConfigureAwait(false);
        }
        catch (DbException ex)
        {
            throw Failure("Reading the stored version failed.", grainId, stateName, ex);
        }
    }

    private async Task<InconsistentStateException> ConflictAsync(
        string operation, GrainStateRowKey key, GrainId grainId, string stateName, string? expected)
    {
        var stored = await ReadVersionAsync(key, grainId, stateName).ConfigureAwait(false);
        return new InconsistentStateException(
            $"{operation} of state '{stateName}' of grain {grainId} in storage '{_name}' lost an ETag check.",
            FormatETag(stored),
            expected);
    }

    private byte[] Serialize<T>(T state, GrainId grainId, string stateName)
    {
        try
        {
            return _serializer.Serialize(state);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            throw Failure($"Serializing state of type {typeof(T).Name} failed.", grainId, stateName, ex);
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
            throw Failure($"Deserializing stored state as {typeof(T).Name} failed.", grainId, stateName, ex);
        }
    }

    private GrainStorageException Failure(string message, GrainId grainId, string stateName, Exception inner) =>
        new(message, _name, grainId, stateName, inner);

    private static string? FormatETag(int? version) => version?.ToString(CultureInfo.InvariantCulture);

    private static int? ParseETag(string eTag) =>
        int.TryParse(eTag, NumberStyles.None, CultureInfo.InvariantCulture, out var version)
        && eTag == version.ToString(CultureInfo.InvariantCulture) ? version : null;
}
