// Design: the cluster's grain directory as rows of the cluster's own database (GrainDirectory.sql), one per grain:
// where its single activation lives. Orleans' default directory is partitioned over the silos; a silo that dies
// without a word (its address drops packets or refuses connections) takes its partition with it until the others
// declare it dead, and until then no silo can place a new grain whose id falls in that partition. Here every silo
// reaches every row, so only the activations that lived on the dead silo wait for the declaration; Orleans'
// CachedGrainLocator drops rows that name a silo it knows is dead, and asks UnregisterSilos for a declared death.
//
// A database failure leaves as PostgreSqlGrainDirectoryException, never as the driver's own exception: Orleans sends
// a failed placement back to the calling silo, and the driver's exceptions have no codec there.
//
// Stateless workers are never registered (each silo activates its own), but Orleans asks the directory of their type
// before it places a first call to one, as for any grain. Those lookups are answered here without a query. On the Docker
// cluster at 30 jobs/s they had been about one statement in 23 the silos sent the database: the settled-job records
// the settlement writes are stateless workers, one per job.
//
// Statements are bound by the caller's token only, never by the host's stopping token: a silo that stops still
// unregisters the grains it deactivates (and registers any it activates while it drains), so the survivors do not
// find rows pointing at a silo that has gone.
using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Configuration;
using Orleans.GrainDirectory;
using Orleans.Metadata;

namespace Marketplace.Persistence.PostgreSql;

/// <summary>Orleans' grain directory in the cluster's PostgreSQL database (table <c>OrleansGrainDirectory</c>).</summary>
internal sealed partial class PostgreSqlGrainDirectory : IGrainDirectory
{
    private const string RegisterSql = """
        INSERT INTO OrleansGrainDirectory AS d (ClusterId, ProviderId, GrainId, SiloAddress, ActivationId, MembershipVersion)
        VALUES (@cluster, @provider, @grain, @silo, @activation, @version)
        ON CONFLICT (ClusterId, ProviderId, GrainId) DO UPDATE SET GrainId = d.GrainId
        RETURNING d.SiloAddress, d.ActivationId, d.MembershipVersion
        """;

    private const string ReplaceSql = """
        UPDATE OrleansGrainDirectory SET SiloAddress = @silo, ActivationId = @activation, MembershipVersion = @version, CreatedOn = now()
        WHERE ClusterId = @cluster AND ProviderId = @provider AND GrainId = @grain AND ActivationId = @previous
        RETURNING SiloAddress, ActivationId, MembershipVersion
        """;

    private const string LookupSql = """
        SELECT SiloAddress, ActivationId, MembershipVersion FROM OrleansGrainDirectory
        WHERE ClusterId = @cluster AND ProviderId = @provider AND GrainId = @grain
        """;

    private const string UnregisterSql = """
        DELETE FROM OrleansGrainDirectory
        WHERE ClusterId = @cluster AND ProviderId = @provider AND GrainId = @grain AND ActivationId = @activation
        """;

    private const string UnregisterSilosSql = """
        DELETE FROM OrleansGrainDirectory
        WHERE ClusterId = @cluster AND ProviderId = @provider AND SiloAddress = ANY (@silos)
        """;

    // The placement strategy Orleans records in the grain properties of a [StatelessWorker] grain: its type's name
    // (StatelessWorkerPlacement is internal to Orleans).
    private const string StatelessWorkerStrategy = "StatelessWorkerPlacement";

    private readonly string _provider;
    private readonly string _clusterId;
    private readonly string _connectionString;
    private readonly ILogger _logger;
    private readonly Func<GrainType, bool> _neverRegistered;
    private readonly ConcurrentDictionary<GrainType, bool> _neverRegisteredTypes = new();

    /// <summary>The directory of a silo: grain types that are never registered are those the silo's grain properties
    /// place as stateless workers.</summary>
    [ActivatorUtilitiesConstructor]
    public PostgreSqlGrainDirectory(string provider, IOptions<PostgreSqlClusterOptions> cluster, IOptions<ClusterOptions> clusterOptions, GrainPropertiesResolver grainProperties, ILogger<PostgreSqlGrainDirectory> logger)
        : this(provider, cluster, clusterOptions, logger, type => IsStatelessWorker(grainProperties, type))
    {
    }

    /// <summary>A directory that answers lookups of the types <paramref name="neverRegistered"/> names without a
    /// query.</summary>
    internal PostgreSqlGrainDirectory(string provider, IOptions<PostgreSqlClusterOptions> cluster, IOptions<ClusterOptions> clusterOptions, ILogger<PostgreSqlGrainDirectory> logger, Func<GrainType, bool> neverRegistered)
    {
        _neverRegistered = neverRegistered;
        _provider = provider;
        _clusterId = clusterOptions.Value.ClusterId;
        // The very string Orleans' providers use, so the directory shares their pool (one per silo, capped by
        // PostgreSqlConnectionDefaults) instead of adding one of its own to the server's connection limit.
        _connectionString = PostgreSqlConnectionDefaults.Apply(cluster.Value.ConnectionString);
        _logger = logger;
    }

    public Task<GrainAddress?> Register(GrainAddress address) => Register(address, null, CancellationToken.None);

    public Task<GrainAddress?> Register(GrainAddress address, CancellationToken cancellationToken) => Register(address, null, cancellationToken);

    public Task<GrainAddress?> Register(GrainAddress address, GrainAddress? previousAddress) => Register(address, previousAddress, CancellationToken.None);

    /// <summary>Registers <paramref name="address"/> unless another activation is registered already (answered
    /// instead); with <paramref name="previousAddress"/>, takes over that activation's row if it is still the one
    /// registered.</summary>
    public async Task<GrainAddress?> Register(GrainAddress address, GrainAddress? previousAddress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(address);
        var silo = address.SiloAddress ?? throw new ArgumentException("the address names no silo", nameof(address));
        try
        {
            return await RegisterAsync(address, silo, previousAddress, cancellationToken).ConfigureAwait(false);
        }
        catch (DbException failure)
        {
            throw Unavailable(nameof(Register), failure);
        }
    }

    private async Task<GrainAddress?> RegisterAsync(GrainAddress address, SiloAddress silo, GrainAddress? previousAddress, CancellationToken cancellationToken)
    {
        var grain = address.GrainId.ToString();
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        if (previousAddress is not null)
        {
            await using var replace = Command(connection, ReplaceSql, grain);
            replace.Parameters.AddWithValue("silo", silo.ToParsableString());
            replace.Parameters.AddWithValue("activation", address.ActivationId.ToParsableString());
            replace.Parameters.AddWithValue("version", address.MembershipVersion.Value);
            replace.Parameters.AddWithValue("previous", previousAddress.ActivationId.ToParsableString());
            if (await ReadAddressAsync(replace, address.GrainId, cancellationToken).ConfigureAwait(false) is { } replaced)
            {
                return replaced;
            }
        }

        await using var command = Command(connection, RegisterSql, grain);
        command.Parameters.AddWithValue("silo", silo.ToParsableString());
        command.Parameters.AddWithValue("activation", address.ActivationId.ToParsableString());
        command.Parameters.AddWithValue("version", address.MembershipVersion.Value);
        return await ReadAddressAsync(command, address.GrainId, cancellationToken).ConfigureAwait(false);
    }

    public Task Unregister(GrainAddress address) => Unregister(address, CancellationToken.None);

    public async Task Unregister(GrainAddress address, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(address);
        try
        {
            await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var command = Command(connection, UnregisterSql, address.GrainId.ToString());
            command.Parameters.AddWithValue("activation", address.ActivationId.ToParsableString());
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (DbException failure)
        {
            throw Unavailable(nameof(Unregister), failure);
        }
    }

    public Task<GrainAddress?> Lookup(GrainId grainId) => Lookup(grainId, CancellationToken.None);

    public async Task<GrainAddress?> Lookup(GrainId grainId, CancellationToken cancellationToken)
    {
        if (IsNeverRegistered(grainId.Type))
        {
            return null;
        }

        try
        {
            await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var command = Command(connection, LookupSql, grainId.ToString());
            return await ReadAddressAsync(command, grainId, cancellationToken).ConfigureAwait(false);
        }
        catch (DbException failure)
        {
            throw Unavailable(nameof(Lookup), failure);
        }
    }

    public Task UnregisterSilos(List<SiloAddress> siloAddresses) => UnregisterSilos(siloAddresses, CancellationToken.None);

    public async Task UnregisterSilos(List<SiloAddress> siloAddresses, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(siloAddresses);
        if (siloAddresses.Count == 0)
        {
            return;
        }

        var silos = new string[siloAddresses.Count];
        for (var i = 0; i < silos.Length; i++)
        {
            silos[i] = siloAddresses[i].ToParsableString();
        }

        int dropped;
        try
        {
            await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var command = new NpgsqlCommand(UnregisterSilosSql, connection);
            command.Parameters.AddWithValue("cluster", _clusterId);
            command.Parameters.AddWithValue("provider", _provider);
            command.Parameters.AddWithValue("silos", silos);
            dropped = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (DbException failure)
        {
            throw Unavailable(nameof(UnregisterSilos), failure);
        }

        LogSilosUnregistered(_logger, dropped, string.Join(", ", silos));
    }

    /// <summary>Whether grains of <paramref name="type"/> are never registered here (stateless workers), so a lookup
    /// of one is answered without a query.</summary>
    internal bool IsNeverRegistered(GrainType type) => _neverRegisteredTypes.GetOrAdd(type, _neverRegistered);

    /// <summary>Whether the grain properties of <paramref name="type"/> place it as a stateless worker.</summary>
    internal static bool IsStatelessWorker(GrainPropertiesResolver grainProperties, GrainType type) =>
        grainProperties.TryGetGrainProperties(type, out var properties)
        && properties.Properties.TryGetValue(WellKnownGrainTypeProperties.PlacementStrategy, out var strategy)
        && string.Equals(strategy, StatelessWorkerStrategy, StringComparison.Ordinal);

    /// <summary>The typed, serializable error for <paramref name="failure"/>; the driver's exception with its stack is
    /// logged here, since it cannot travel with the error.</summary>
    private PostgreSqlGrainDirectoryException Unavailable(string operation, DbException failure)
    {
        LogDatabaseFailure(_logger, failure, operation);
        return new PostgreSqlGrainDirectoryException(operation, failure.SqlState, $"{failure.GetType().Name}: {failure.Message}");
    }

    private async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private NpgsqlCommand Command(NpgsqlConnection connection, string sql, string grain)
    {
        var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("cluster", _clusterId);
        command.Parameters.AddWithValue("provider", _provider);
        command.Parameters.AddWithValue("grain", grain);
        return command;
    }

    private static async Task<GrainAddress?> ReadAddressAsync(NpgsqlCommand command, GrainId grainId, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        return new GrainAddress
        {
            GrainId = grainId,
            SiloAddress = SiloAddress.FromParsableString(reader.GetString(0)),
            ActivationId = ActivationId.FromParsableString(reader.GetString(1)),
            MembershipVersion = new MembershipVersion(reader.GetInt64(2)),
        };
    }

    [LoggerMessage(EventId = 7204, Level = LogLevel.Information, Message = "Grain directory: dropped {Count} activations of the silos declared dead ({Silos})")]
    private static partial void LogSilosUnregistered(ILogger logger, int count, string silos);

    [LoggerMessage(EventId = 7205, Level = LogLevel.Debug, Message = "Grain directory: {Operation} failed on the database")]
    private static partial void LogDatabaseFailure(ILogger logger, Exception exception, string operation);
}
