// Design note. Each operation is one short SQL statement on a borrowed connection with a prepared command, so SQLite
// itself is the arbiter of concurrency: a write with ETag v is "UPDATE ... WHERE key AND version = v RETURNING
// version", a write without an ETag is an insert-if-absent, a clear is a conditional update to a NULL payload (or a
// conditional delete). When the statement changes no row, the stored version is read back for the
// InconsistentStateException. The ETag is the integer version column as decimal text. SQLite failures become
// SqliteStorageException; nothing is retried here (the busy timeout already queues writers on the file lock).
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Orleans.Serialization.Serializers;
using Orleans.Storage;

namespace Marketplace.Persistence.Sqlite;

/// <summary>
/// Orleans grain storage in a SQLite file, in the layout of Orleans' <c>OrleansStorage</c> table, with optimistic
/// concurrency on an integer version used as the ETag.
/// </summary>
/// <remarks>
/// <para>Contract (Orleans' <see cref="IGrainStorage"/>): a read of a missing record sets <c>RecordExists</c> false,
/// <c>ETag</c> null and a fresh state. A write with a null ETag succeeds only when no row exists; a write with ETag
/// <c>v</c> only when the row's version is <c>v</c>; otherwise <see cref="InconsistentStateException"/> carries the
/// stored and the presented ETag.</para>
/// <para>Clear keeps the row with a NULL payload and a new version (Orleans' AdoNet default), so a writer still holding
/// an ETag from before the clear is rejected; with <see cref="SqliteGrainStorageOptions.DeleteStateOnClear"/> it
/// deletes the row and the ETag becomes null. A clear with a null ETag succeeds only when no row exists. After a
/// clear the state is a fresh instance and <c>RecordExists</c> is false.</para>
/// </remarks>
public sealed partial class SqliteGrainStorage : IGrainStorage, ILifecycleParticipant<ISiloLifecycle>, IDisposable
{
    private readonly string _name;
    private readonly string _serviceId;
    private readonly bool _deleteStateOnClear;
    private readonly int _initStage;
    private readonly IGrainStorageSerializer _serializer;
    private readonly IActivatorProvider _activators;
    private readonly ILogger _logger;
    private readonly SqliteDatabase _database;
    private readonly AsyncInitialization _schema;

    /// <summary>Creates the storage; no file work happens until the silo starts or the first operation.</summary>
    /// <param name="name">The storage's registered name (appears in logs and errors).</param>
    /// <param name="options">Validated options; <see cref="SqliteGrainStorageOptions.GrainStorageSerializer"/> must be set.</param>
    /// <param name="clusterServiceId">The cluster's service id, used when the options set none.</param>
    /// <param name="activators">Creates fresh state instances (Orleans' activator provider).</param>
    /// <param name="logger">The logger.</param>
    internal SqliteGrainStorage(
        string name,
        SqliteGrainStorageOptions options,
        string clusterServiceId,
        IActivatorProvider activators,
        ILogger<SqliteGrainStorage> logger)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(options);
        _name = name;
        _serviceId = options.ServiceId ?? clusterServiceId;
        _deleteStateOnClear = options.DeleteStateOnClear;
        _initStage = options.InitStage;
        _serializer = options.GrainStorageSerializer ?? throw new ArgumentException(
            $"SQLite grain storage '{name}' has no serializer.", nameof(options));
        _activators = activators;
        _logger = logger;
        _database = new SqliteDatabase(options.ConnectionString, options.BusyTimeout);
        _schema = new AsyncInitialization(ApplySchemaAsync);
    }

    /// <inheritdoc />
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        ReadStateAsync(stateName, grainId, grainState, CancellationToken.None);

    /// <inheritdoc />
    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        var key = MapKey(stateName, grainId, grainState);
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        byte[]? payload = null;
        long? version = null;
        var found = false;
        try
        {
            await using var session = await _database.OpenSessionAsync(cancellationToken).ConfigureAwait(false);
            var command = session.Command(GrainStateSql.Read);
            key.Bind(command);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                found = true;
                payload = reader.IsDBNull(0) ? null : reader.GetFieldValue<byte[]>(0);
                version = reader.IsDBNull(1) ? null : reader.GetInt64(1);
            }
        }
        catch (SqliteException ex)
        {
            throw Failure("ReadState", stateName, grainId, ex);
        }

        grainState.State = payload is null ? CreateInstance<T>() : Deserialize<T>(payload, stateName, grainId);
        grainState.RecordExists = payload is not null;
        grainState.ETag = found ? FormatETag(version) : null;
    }

    /// <inheritdoc />
    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        WriteStateAsync(stateName, grainId, grainState, CancellationToken.None);

    /// <inheritdoc />
    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        var key = MapKey(stateName, grainId, grainState);
        var expected = grainState.ETag;
        long? expectedVersion = null;
        if (expected is not null)
        {
            // An ETag this storage never issued cannot match any row.
            expectedVersion = ParseETag(expected)
                ?? throw await ConflictAsync("WriteState", key, stateName, grainId, expected, cancellationToken).ConfigureAwait(false);
        }

        var payload = Serialize(grainState.State, stateName, grainId);
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        long? newVersion;
        try
        {
            await using var session = await _database.OpenWriteSessionAsync(cancellationToken).ConfigureAwait(false);
            var command = session.Command(expectedVersion is null ? GrainStateSql.Insert : GrainStateSql.Update);
            key.Bind(command);
            command.Parameters.AddWithValue("@payloadbinary", payload);
            if (expectedVersion is not null)
            {
                command.Parameters.AddWithValue("@version", expectedVersion.Value);
            }

            newVersion = await ExecuteVersionAsync(command, cancellationToken).ConfigureAwait(false);
        }
        catch (SqliteException ex)
        {
            throw Failure("WriteState", stateName, grainId, ex);
        }

        if (newVersion is null)
        {
            throw await ConflictAsync("WriteState", key, stateName, grainId, expected, cancellationToken).ConfigureAwait(false);
        }

        grainState.ETag = FormatETag(newVersion);
        grainState.RecordExists = true;
    }

    /// <inheritdoc />
    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        ClearStateAsync(stateName, grainId, grainState, CancellationToken.None);

    /// <inheritdoc />
    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        var key = MapKey(stateName, grainId, grainState);
        var expected = grainState.ETag;
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        if (expected is null)
        {
            // "I expect no record": fine when there is none, a conflict when someone wrote one.
            var stored = await ReadVersionAsync(key, stateName, grainId, cancellationToken).ConfigureAwait(false);
            if (stored is not null)
            {
                throw Conflict("ClearState", stateName, grainId, FormatETag(stored), null);
            }
        }
        else
        {
            var expectedVersion = ParseETag(expected)
                ?? throw await ConflictAsync("ClearState", key, stateName, grainId, expected, cancellationToken).ConfigureAwait(false);
            long? result;
            try
            {
                await using var session = await _database.OpenWriteSessionAsync(cancellationToken).ConfigureAwait(false);
                var command = session.Command(_deleteStateOnClear ? GrainStateSql.Delete : GrainStateSql.Clear);
                key.Bind(command);
                command.Parameters.AddWithValue("@version", expectedVersion);
                result = await ExecuteVersionAsync(command, cancellationToken).ConfigureAwait(false);
            }
            catch (SqliteException ex)
            {
                throw Failure("ClearState", stateName, grainId, ex);
            }

            if (result is null)
            {
                throw await ConflictAsync("ClearState", key, stateName, grainId, expected, cancellationToken).ConfigureAwait(false);
            }

            grainState.ETag = _deleteStateOnClear ? null : FormatETag(result);
        }

        grainState.RecordExists = false;
        grainState.State = CreateInstance<T>();
    }

    /// <inheritdoc />
    public void Participate(ISiloLifecycle lifecycle)
    {
        ArgumentNullException.ThrowIfNull(lifecycle);
        lifecycle.Subscribe($"{nameof(SqliteGrainStorage)}-{_name}", _initStage, InitializeAsync, CloseAsync);
    }

    /// <summary>Closes the connections for good and releases the file.</summary>
    public void Dispose() => _database.Dispose();

    /// <summary>Applies the schema (idempotent); also done lazily by the first operation.</summary>
    internal Task InitializeAsync(CancellationToken cancellationToken) => _schema.EnsureAsync(cancellationToken);

    private Task CloseAsync(CancellationToken cancellationToken)
    {
        _database.CloseIdle();
        LogClosed(_name);
        return Task.CompletedTask;
    }

    private async Task ApplySchemaAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _database.ApplyScriptAsync(SchemaScripts.Load(SchemaScripts.Persistence), cancellationToken).ConfigureAwait(false);
        }
        catch (SqliteException ex)
        {
            throw Failure("Init", null, default, ex);
        }
        catch (InvalidOperationException ex)
        {
            throw Failure("Init", null, default, ex);
        }
        catch (IOException ex)
        {
            throw Failure("Init", null, default, ex);
        }

        LogInitialized(_name, _database.DataSource, _serviceId);
    }

    private Task EnsureSchemaAsync(CancellationToken cancellationToken)
    {
        var initialization = _schema.EnsureAsync(cancellationToken);
        return initialization.IsCompletedSuccessfully ? Task.CompletedTask : initialization;
    }

    private GrainStateRowKey MapKey<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        ArgumentException.ThrowIfNullOrEmpty(stateName);
        ArgumentNullException.ThrowIfNull(grainState);
        if (grainId.IsDefault)
        {
            throw new ArgumentException("The grain id is the default (empty) value.", nameof(grainId));
        }

        return GrainStateRowKey.Create(stateName, grainId, _serviceId);
    }

    private static async Task<long?> ExecuteVersionAsync(SqliteCommand command, CancellationToken cancellationToken)
    {
        var value = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return value is null or DBNull ? null : Convert.ToInt64(value, CultureInfo.InvariantCulture);
    }

    private async Task<long?> ReadVersionAsync(GrainStateRowKey key, string stateName, GrainId grainId, CancellationToken cancellationToken)
    {
        try
        {
            await using var session = await _database.OpenSessionAsync(cancellationToken).ConfigureAwait(false);
            var command = session.Command(GrainStateSql.ReadVersion);
            key.Bind(command);
            return await ExecuteVersionAsync(command, cancellationToken).ConfigureAwait(false);
        }
        catch (SqliteException ex)
        {
            throw Failure("ReadVersion", stateName, grainId, ex);
        }
    }

    private async Task<InconsistentStateException> ConflictAsync(
        string operation, GrainStateRowKey key, string stateName, GrainId grainId, string? expected, CancellationToken cancellationToken)
    {
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        var stored = await ReadVersionAsync(key, stateName, grainId, cancellationToken).ConfigureAwait(false);
        return Conflict(operation, stateName, grainId, FormatETag(stored), expected);
    }

    private InconsistentStateException Conflict(string operation, string stateName, GrainId grainId, string? stored, string? expected)
    {
        LogETagConflict(_name, operation, stateName, grainId, stored, expected);
        return new InconsistentStateException(
            $"Version conflict ({operation}): storage '{_name}', state '{stateName}', grain {grainId}: stored ETag " +
            $"{stored ?? "(none)"}, presented ETag {expected ?? "(none)"}.",
            stored!,
            expected!);
    }

    private byte[] Serialize<T>(T state, string stateName, GrainId grainId)
    {
        try
        {
            return _serializer.Serialize(state).ToArray();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException and not OperationCanceledException)
        {
            // Serializers throw many types; whatever it was, it is rethrown wrapped with the grain and state named.
            throw Failure("Serialize", stateName, grainId, ex);
        }
    }

    private T Deserialize<T>(byte[] payload, string stateName, GrainId grainId)
    {
        try
        {
            return _serializer.Deserialize<T>(new BinaryData(payload)) ?? CreateInstance<T>();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException and not OperationCanceledException)
        {
            // As above: rethrown wrapped, never swallowed.
            throw Failure("Deserialize", stateName, grainId, ex);
        }
    }

    private T CreateInstance<T>() => _activators.GetActivator<T>().Create();

    private SqliteStorageException Failure(string operation, string? stateName, GrainId grainId, Exception inner)
    {
        var subject = stateName is null ? null : $"state '{stateName}' of grain {grainId}";
        LogOperationFailed(inner, _name, operation, subject ?? "(schema)");
        return new SqliteStorageException(_name, operation, subject, inner);
    }

    private static string? FormatETag(long? version) => version?.ToString(CultureInfo.InvariantCulture);

    /// <summary>The version in an ETag this storage issued (canonical decimal text), else null.</summary>
    private static long? ParseETag(string eTag) =>
        long.TryParse(eTag, NumberStyles.None, CultureInfo.InvariantCulture, out var version)
        && eTag == version.ToString(CultureInfo.InvariantCulture) ? version : null;

    [LoggerMessage(EventId = SqliteEventIds.GrainStorageInitialized, Level = LogLevel.Information,
        Message = "SQLite grain storage {Name} ready on {DataSource} (service {ServiceId})")]
    private partial void LogInitialized(string name, string dataSource, string serviceId);

    [LoggerMessage(EventId = SqliteEventIds.GrainStorageETagConflict, Level = LogLevel.Warning,
        Message = "SQLite grain storage {Name}: {Operation} of state {StateName} of grain {GrainId} lost an ETag check (stored {StoredETag}, presented {PresentedETag})")]
    private partial void LogETagConflict(string name, string operation, string stateName, GrainId grainId, string? storedETag, string? presentedETag);

    [LoggerMessage(EventId = SqliteEventIds.GrainStorageOperationFailed, Level = LogLevel.Error,
        Message = "SQLite grain storage {Name}: {Operation} failed for {Subject}")]
    private partial void LogOperationFailed(Exception exception, string name, string operation, string subject);

    [LoggerMessage(EventId = SqliteEventIds.GrainStorageClosed, Level = LogLevel.Debug,
        Message = "SQLite grain storage {Name} closed its idle connections")]
    private partial void LogClosed(string name);
}
