// Design note. Rows follow Orleans' OrleansRemindersTable; the ETag is the Version column. Upsert is a single
// "INSERT ... ON CONFLICT (key) DO UPDATE ... Version + 1 RETURNING Version" on both vendors, remove a single
// "DELETE ... WHERE Version = @version". Ring-range reads pick one of three WHERE clauses in code (inside, wrapped,
// whole ring); GrainHash is stored unsigned so SQL comparisons follow ring order. Failures become ReminderTableException.
using System.Data.Common;
using System.Globalization;
using Marketplace.Runtime.Persistence;

namespace Marketplace.Runtime.Reminders;

/// <summary>
/// The durable reminder table on SQLite (the embedded default) or PostgreSQL, with Orleans' <c>OrleansRemindersTable</c>
/// layout. Upserts are unconditional (last writer wins, the version moves on); removes are conditional on the ETag.
/// </summary>
public sealed class AdoNetReminderTable : IReminderTable, IAsyncDisposable, IDisposable
{
    private const string Columns = "GrainId, ReminderName, StartTime, Period, Version";
    private const string ServiceFilter = "ServiceId = @serviceid";
    private const string RowFilter = "ServiceId = @serviceid AND GrainId = @grainid AND ReminderName = @remindername";

    private readonly string _serviceId;
    private readonly SqlDatabase _database;
    private readonly AsyncInitialization _schema;
    private readonly string _script;

    /// <summary>Creates the table provider; no database work happens until <see cref="InitAsync"/> or first use.</summary>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public AdoNetReminderTable(AdoNetReminderTableOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.ServiceId) || options.ServiceId.Length > 150)
        {
            throw new ArgumentException("ServiceId must be 1 to 150 characters.", nameof(options));
        }

        _serviceId = options.ServiceId;
        _database = SqlDatabase.Create(options.Invariant, options.ConnectionString, options.BusyTimeout);
        _script = _database.IsSqlite ? SchemaScripts.SqliteReminders : SchemaScripts.PostgreSqlReminders;
        var createSchema = options.CreateSchema;
        _schema = new AsyncInitialization(ct => createSchema ? ApplySchemaAsync(ct) : Task.CompletedTask);
    }

    /// <inheritdoc />
    public Task InitAsync(CancellationToken cancellationToken = default) => _schema.EnsureAsync(cancellationToken);

    /// <inheritdoc />
    public async Task<IReadOnlyList<ReminderEntry>> ReadRowsAsync(GrainId grainId, CancellationToken cancellationToken = default)
    {
        if (grainId.IsDefault)
        {
            throw new ArgumentException("The grain id is the default (empty) value.", nameof(grainId));
        }

        return await QueryAsync(
            $"SELECT {Columns} FROM OrleansRemindersTable WHERE {ServiceFilter} AND GrainId = @grainid",
            command => SqlDatabase.AddParameter(command, "grainid", grainId.ToString()),
            grainId,
            null,
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<ReminderEntry>> ReadRowsAsync(uint begin, uint end, CancellationToken cancellationToken = default)
    {
        var range = begin < end ? "GrainHash > @begin AND GrainHash <= @end"
            : begin > end ? "(GrainHash > @begin OR GrainHash <= @end)"
            : "TRUE";
        return await QueryAsync(
            $"SELECT {Columns} FROM OrleansRemindersTable WHERE {ServiceFilter} AND {range}",
            command =>
            {
                SqlDatabase.AddParameter(command, "begin", (long)begin);
                SqlDatabase.AddParameter(command, "end", (long)end);
            },
            default,
            null,
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<ReminderEntry?> ReadRowAsync(GrainId grainId, string reminderName, CancellationToken cancellationToken = default)
    {
        ReminderRowCodec.ValidateKey(grainId, reminderName);
        var rows = await QueryAsync(
            $"SELECT {Columns} FROM OrleansRemindersTable WHERE {RowFilter}",
            command => AddRowKey(command, grainId, reminderName),
            grainId,
            reminderName,
            cancellationToken).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    /// <inheritdoc />
    public async Task<string> UpsertRowAsync(ReminderEntry entry, CancellationToken cancellationToken = default)
    {
        ReminderRowCodec.Validate(entry);
        await InitAsync(cancellationToken).ConfigureAwait(false);
        var startTime = ReminderRowCodec.ToStoredTime(entry.StartAt);
        try
        {
            await using var session = await _database.OpenSessionAsync(cancellationToken).ConfigureAwait(false);
            var command = session.Command("INSERT INTO OrleansRemindersTable (ServiceId, GrainId, ReminderName, StartTime, Period, GrainHash, Version) " +
                "VALUES (@serviceid, @grainid, @remindername, @starttime, @period, @grainhash, 1) " +
                "ON CONFLICT (ServiceId, GrainId, ReminderName) DO UPDATE SET StartTime = excluded.StartTime, " +
                "Period = excluded.Period, GrainHash = excluded.GrainHash, Version = OrleansRemindersTable.Version + 1 " +
                "RETURNING Version");
            SqlDatabase.AddParameter(command, "serviceid", _serviceId);
            AddRowKey(command, entry.GrainId, entry.ReminderName);
            SqlDatabase.AddParameter(command, "starttime", _database.IsSqlite ? ReminderRowCodec.FormatSqliteTime(startTime) : startTime);
            SqlDatabase.AddParameter(command, "period", ReminderRowCodec.ToStoredPeriod(entry.Period));
            SqlDatabase.AddParameter(command, "grainhash", (long)entry.GrainId.GetUniformHashCode());
            var version = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            return ReminderRowCodec.FormatETag(Convert.ToInt64(version, CultureInfo.InvariantCulture));
        }
        catch (DbException ex)
        {
            throw new ReminderTableException("Upserting a reminder failed.", entry.GrainId, entry.ReminderName, ex);
        }
    }

    /// <inheritdoc />
    public async Task<bool> RemoveRowAsync(GrainId grainId, string reminderName, string eTag, CancellationToken cancellationToken = default)
    {
        ReminderRowCodec.ValidateKey(grainId, reminderName);
        var version = ReminderRowCodec.ParseETag(eTag);
        if (version is null)
        {
            return false;
        }

        await InitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var session = await _database.OpenSessionAsync(cancellationToken).ConfigureAwait(false);
            var command = session.Command($"DELETE FROM OrleansRemindersTable WHERE {RowFilter} AND Version = @version");
            SqlDatabase.AddParameter(command, "serviceid", _serviceId);
            AddRowKey(command, grainId, reminderName);
            SqlDatabase.AddParameter(command, "version", version.Value);
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
        }
        catch (DbException ex)
        {
            throw new ReminderTableException("Removing a reminder failed.", grainId, reminderName, ex);
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _database.DisposeAsync();

    /// <inheritdoc />
    public void Dispose() => _database.Dispose();

    private async Task ApplySchemaAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _database.ApplyScriptAsync(SchemaScripts.Load(_script), cancellationToken).ConfigureAwait(false);
        }
        catch (DbException ex)
        {
            throw new ReminderTableException($"Applying schema script {_script} ({_database.Invariant}) failed.", ex);
        }
        catch (InvalidOperationException ex)
        {
            throw new ReminderTableException($"Applying schema script {_script} ({_database.Invariant}) failed.", ex);
        }
    }

    private static void AddRowKey(DbCommand command, GrainId grainId, string reminderName)
    {
        SqlDatabase.AddParameter(command, "grainid", grainId.ToString());
        SqlDatabase.AddParameter(command, "remindername", reminderName);
    }

    private async Task<List<ReminderEntry>> QueryAsync(
        string sql, Action<DbCommand> bind, GrainId grainId, string? reminderName, CancellationToken cancellationToken)
    {
        await InitAsync(cancellationToken).ConfigureAwait(false);
        var rows = new List<ReminderEntry>();
        try
        {
            await using var session = await _database.OpenSessionAsync(cancellationToken).ConfigureAwait(false);
            var command = session.Command(sql);
            SqlDatabase.AddParameter(command, "serviceid", _serviceId);
            bind(command);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                rows.Add(ReadEntry(reader));
            }
        }
        catch (DbException ex)
        {
            throw new ReminderTableException("Reading reminders failed.", grainId, reminderName, ex);
        }

        return rows;
    }

    private ReminderEntry ReadEntry(DbDataReader reader)
    {
        var idText = reader.GetString(0);
        GrainId grainId;
        try
        {
            grainId = GrainId.Parse(idText);
        }
        catch (FormatException ex)
        {
            throw new ReminderTableException($"The reminders table holds a malformed grain id '{idText}'.", ex);
        }

        var startAt = _database.IsSqlite
            ? ReminderRowCodec.ParseSqliteTime(reader.GetString(2))
            : DateTime.SpecifyKind(reader.GetDateTime(2), DateTimeKind.Utc);
        return new ReminderEntry
        {
            GrainId = grainId,
            ReminderName = reader.GetString(1),
            StartAt = startAt,
            Period = TimeSpan.FromMilliseconds(reader.GetInt64(3)),
            ETag = ReminderRowCodec.FormatETag(reader.GetInt64(4)),
        };
    }
}
