// Design note. Rows follow Orleans' OrleansRemindersTable; the ETag is the Version column. Upsert is a single
// "INSERT ... ON CONFLICT (key) DO UPDATE ... Version + 1 RETURNING Version", remove a single
// "DELETE ... WHERE Version = @version". Ring-range reads pick one of two WHERE clauses in code (inside, or wrapped
// when begin >= end, Orleans' contract); GrainHash is stored unsigned so SQL comparisons follow ring order.
// SQLite failures become SqliteStorageException.
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Marketplace.Persistence.Sqlite;

/// <summary>
/// Orleans' durable reminder table in a SQLite file, in the layout of Orleans' <c>OrleansRemindersTable</c>.
/// Upserts are unconditional (last writer wins, the version moves on); removes are conditional on the ETag.
/// </summary>
/// <remarks>
/// Times are stored as UTC with millisecond precision and periods in whole milliseconds. Range reads return the rows
/// whose <see cref="GrainId.GetUniformHashCode"/> lies in (begin, end]; when begin &gt;= end the range wraps past
/// zero (begin == end is the whole ring).
/// </remarks>
public sealed partial class SqliteReminderTable : IReminderTable, IDisposable
{
    /// <summary>The provider name <see cref="SqliteStorageException"/> carries for reminder table failures.</summary>
    public const string ProviderName = "Reminders";

    private const string Columns = "GrainId, ReminderName, StartTime, Period, Version";
    private const string RowFilter = "ServiceId = @serviceid AND GrainId = @grainid AND ReminderName = @remindername";
    private const string SelectGrain = $"SELECT {Columns} FROM OrleansRemindersTable WHERE ServiceId = @serviceid AND GrainId = @grainid";
    private const string SelectInside = $"SELECT {Columns} FROM OrleansRemindersTable WHERE ServiceId = @serviceid AND GrainHash > @begin AND GrainHash <= @end";
    private const string SelectWrapped = $"SELECT {Columns} FROM OrleansRemindersTable WHERE ServiceId = @serviceid AND (GrainHash > @begin OR GrainHash <= @end)";
    private const string SelectRow = $"SELECT {Columns} FROM OrleansRemindersTable WHERE {RowFilter}";
    private const string Upsert = "INSERT INTO OrleansRemindersTable (ServiceId, GrainId, ReminderName, StartTime, Period, GrainHash, Version) " +
        "VALUES (@serviceid, @grainid, @remindername, @starttime, @period, @grainhash, 1) " +
        "ON CONFLICT (ServiceId, GrainId, ReminderName) DO UPDATE SET StartTime = excluded.StartTime, " +
        "Period = excluded.Period, GrainHash = excluded.GrainHash, Version = OrleansRemindersTable.Version + 1 " +
        "RETURNING Version";
    private const string Remove = $"DELETE FROM OrleansRemindersTable WHERE {RowFilter} AND Version = @version";
    private const string Clear = "DELETE FROM OrleansRemindersTable WHERE ServiceId = @serviceid";

    private readonly string _serviceId;
    private readonly ILogger _logger;
    private readonly SqliteDatabase _database;
    private readonly AsyncInitialization _schema;

    /// <summary>Creates the table; no file work happens until <see cref="StartAsync"/> or the first operation.</summary>
    /// <param name="options">Validated options.</param>
    /// <param name="clusterServiceId">The cluster's service id, used when the options set none.</param>
    /// <param name="logger">The logger.</param>
    internal SqliteReminderTable(SqliteReminderTableOptions options, string clusterServiceId, ILogger<SqliteReminderTable> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _serviceId = options.ServiceId ?? clusterServiceId;
        _logger = logger;
        _database = new SqliteDatabase(options.ConnectionString, options.BusyTimeout);
        _schema = new AsyncInitialization(ApplySchemaAsync);
    }

    /// <summary>Applies the schema (idempotent); the reminder service calls this when the silo starts.</summary>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>A task that completes when the table is usable.</returns>
    public Task StartAsync(CancellationToken cancellationToken = default) => _schema.EnsureAsync(cancellationToken);

    /// <summary>Closes the idle connections; later operations open new ones.</summary>
    /// <param name="cancellationToken">Unused: closing does not wait.</param>
    /// <returns>A completed task.</returns>
    public Task StopAsync(CancellationToken cancellationToken = default)
    {
        _database.CloseIdle();
        LogClosed();
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<ReminderTableData> ReadRows(GrainId grainId) => ReadRows(grainId, CancellationToken.None);

    /// <inheritdoc />
    public async Task<ReminderTableData> ReadRows(GrainId grainId, CancellationToken cancellationToken)
    {
        if (grainId.IsDefault)
        {
            throw new ArgumentException("The grain id is the default (empty) value.", nameof(grainId));
        }

        var rows = await QueryAsync(
            SelectGrain,
            command => command.Parameters.AddWithValue("@grainid", grainId.ToString()),
            "ReadRows",
            $"grain {grainId}",
            cancellationToken).ConfigureAwait(false);
        return new ReminderTableData(rows);
    }

    /// <inheritdoc />
    public Task<ReminderTableData> ReadRows(uint begin, uint end) => ReadRows(begin, end, CancellationToken.None);

    /// <inheritdoc />
    public async Task<ReminderTableData> ReadRows(uint begin, uint end, CancellationToken cancellationToken)
    {
        var rows = await QueryAsync(
            begin < end ? SelectInside : SelectWrapped,
            command =>
            {
                command.Parameters.AddWithValue("@begin", (long)begin);
                command.Parameters.AddWithValue("@end", (long)end);
            },
            "ReadRange",
            string.Create(CultureInfo.InvariantCulture, $"range ({begin}, {end}]"),
            cancellationToken).ConfigureAwait(false);
        return new ReminderTableData(rows);
    }

    /// <inheritdoc />
    public Task<ReminderEntry?> ReadRow(GrainId grainId, string reminderName) => ReadRow(grainId, reminderName, CancellationToken.None);

    /// <inheritdoc />
    public async Task<ReminderEntry?> ReadRow(GrainId grainId, string reminderName, CancellationToken cancellationToken)
    {
        ReminderRowCodec.ValidateKey(grainId, reminderName);
        var rows = await QueryAsync(
            SelectRow,
            command => BindRowKey(command, grainId, reminderName),
            "ReadRow",
            Subject(grainId, reminderName),
            cancellationToken).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    /// <inheritdoc />
    public Task<string?> UpsertRow(ReminderEntry entry) => UpsertRow(entry, CancellationToken.None);

    /// <inheritdoc />
    public async Task<string?> UpsertRow(ReminderEntry entry, CancellationToken cancellationToken)
    {
        ReminderRowCodec.Validate(entry);
        await _schema.EnsureAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var session = await _database.OpenWriteSessionAsync(cancellationToken).ConfigureAwait(false);
            var command = session.Command(Upsert);
            command.Parameters.AddWithValue("@serviceid", _serviceId);
            BindRowKey(command, entry.GrainId, entry.ReminderName);
            command.Parameters.AddWithValue("@starttime", ReminderRowCodec.FormatTime(ReminderRowCodec.ToStoredTime(entry.StartAt)));
            command.Parameters.AddWithValue("@period", ReminderRowCodec.ToStoredPeriod(entry.Period));
            command.Parameters.AddWithValue("@grainhash", (long)entry.GrainId.GetUniformHashCode());
            var version = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            return ReminderRowCodec.FormatETag(Convert.ToInt64(version, CultureInfo.InvariantCulture));
        }
        catch (SqliteException ex)
        {
            throw Failure("UpsertRow", Subject(entry.GrainId, entry.ReminderName), ex);
        }
    }

    /// <inheritdoc />
    public Task<bool> RemoveRow(GrainId grainId, string reminderName, string eTag) =>
        RemoveRow(grainId, reminderName, eTag, CancellationToken.None);

    /// <inheritdoc />
    public async Task<bool> RemoveRow(GrainId grainId, string reminderName, string eTag, CancellationToken cancellationToken)
    {
        ReminderRowCodec.ValidateKey(grainId, reminderName);
        if (ReminderRowCodec.ParseETag(eTag) is not { } version)
        {
            // Not an ETag this table issued: it matches no row.
            return false;
        }

        await _schema.EnsureAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var session = await _database.OpenWriteSessionAsync(cancellationToken).ConfigureAwait(false);
            var command = session.Command(Remove);
            command.Parameters.AddWithValue("@serviceid", _serviceId);
            BindRowKey(command, grainId, reminderName);
            command.Parameters.AddWithValue("@version", version);
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
        }
        catch (SqliteException ex)
        {
            throw Failure("RemoveRow", Subject(grainId, reminderName), ex);
        }
    }

    /// <inheritdoc />
    public Task TestOnlyClearTable() => TestOnlyClearTable(CancellationToken.None);

    /// <summary>Deletes every row of this table's service id (tests only).</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the rows are gone.</returns>
    public async Task TestOnlyClearTable(CancellationToken cancellationToken)
    {
        await _schema.EnsureAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var session = await _database.OpenWriteSessionAsync(cancellationToken).ConfigureAwait(false);
            var command = session.Command(Clear);
            command.Parameters.AddWithValue("@serviceid", _serviceId);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (SqliteException ex)
        {
            throw Failure("TestOnlyClearTable", null, ex);
        }
    }

    /// <summary>Closes the connections for good and releases the file.</summary>
    public void Dispose() => _database.Dispose();

    private async Task ApplySchemaAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _database.ApplyScriptAsync(SchemaScripts.Load(SchemaScripts.Reminders), cancellationToken).ConfigureAwait(false);
        }
        catch (SqliteException ex)
        {
            throw Failure("Init", null, ex);
        }
        catch (InvalidOperationException ex)
        {
            throw Failure("Init", null, ex);
        }
        catch (IOException ex)
        {
            throw Failure("Init", null, ex);
        }

        LogInitialized(_database.DataSource, _serviceId);
    }

    /// <summary>Adds the grain and reminder name (the service id is added by each caller once).</summary>
    private static void BindRowKey(SqliteCommand command, GrainId grainId, string reminderName)
    {
        command.Parameters.AddWithValue("@grainid", grainId.ToString());
        command.Parameters.AddWithValue("@remindername", reminderName);
    }

    private async Task<List<ReminderEntry>> QueryAsync(
        string sql, Action<SqliteCommand> bind, string operation, string subject, CancellationToken cancellationToken)
    {
        await _schema.EnsureAsync(cancellationToken).ConfigureAwait(false);
        var rows = new List<ReminderEntry>();
        try
        {
            await using var session = await _database.OpenSessionAsync(cancellationToken).ConfigureAwait(false);
            var command = session.Command(sql);
            command.Parameters.AddWithValue("@serviceid", _serviceId);
            bind(command);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                rows.Add(ReadEntry(reader, operation));
            }
        }
        catch (SqliteException ex)
        {
            throw Failure(operation, subject, ex);
        }

        return rows;
    }

    private ReminderEntry ReadEntry(SqliteDataReader reader, string operation)
    {
        var idText = reader.GetString(0);
        GrainId grainId;
        DateTime startAt;
        try
        {
            grainId = GrainId.Parse(idText, CultureInfo.InvariantCulture);
            startAt = ReminderRowCodec.ParseTime(reader.GetString(2));
        }
        catch (FormatException ex)
        {
            throw Failure(operation, $"the stored row of grain '{idText}'", ex);
        }

        return new ReminderEntry
        {
            GrainId = grainId,
            ReminderName = reader.GetString(1),
            StartAt = startAt,
            Period = TimeSpan.FromMilliseconds(reader.GetInt64(3)),
            ETag = ReminderRowCodec.FormatETag(reader.GetInt64(4)),
        };
    }

    private static string Subject(GrainId grainId, string reminderName) => $"reminder '{reminderName}' of grain {grainId}";

    private SqliteStorageException Failure(string operation, string? subject, Exception inner)
    {
        LogOperationFailed(inner, operation, subject ?? "(table)");
        return new SqliteStorageException(ProviderName, operation, subject, inner);
    }

    [LoggerMessage(EventId = SqliteEventIds.ReminderTableInitialized, Level = LogLevel.Information,
        Message = "SQLite reminder table ready on {DataSource} (service {ServiceId})")]
    private partial void LogInitialized(string dataSource, string serviceId);

    [LoggerMessage(EventId = SqliteEventIds.ReminderTableOperationFailed, Level = LogLevel.Error,
        Message = "SQLite reminder table: {Operation} failed for {Subject}")]
    private partial void LogOperationFailed(Exception exception, string operation, string subject);

    [LoggerMessage(EventId = SqliteEventIds.ReminderTableClosed, Level = LogLevel.Debug,
        Message = "SQLite reminder table closed its idle connections")]
    private partial void LogClosed();
}
