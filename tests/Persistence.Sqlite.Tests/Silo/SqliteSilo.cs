using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Marketplace.Persistence.Sqlite.Tests.Silo;

/// <summary>
/// A real single-silo Orleans host on free loopback ports, with the SQLite grain storage ("sqlite" and the default)
/// and the SQLite reminder table on one file. Stopping and starting another on the same file is a silo restart.
/// </summary>
public sealed class SqliteSilo : IAsyncDisposable
{
    /// <summary>One service id for every silo of a test, so a restarted silo finds the rows of the previous one.</summary>
    public const string ServiceId = "sqlite-tests";

    private SqliteSilo(IHost host) => Host = host;

    public IHost Host { get; }

    public IServiceProvider Services => Host.Services;

    public IGrainFactory Grains => Services.GetRequiredService<IGrainFactory>();

    public ReminderSignal Signal => Services.GetRequiredService<ReminderSignal>();

    /// <summary>Builds the host without starting it.</summary>
    public static SqliteSilo Build(string databaseFile, Action<ISiloBuilder>? configure = null)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<ReminderSignal>();
        builder.Services.AddSingleton<StreamSignal>();
        var connectionString = $"Data Source={databaseFile}";
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(FreePort(), FreePort(), null, ServiceId, "sqlite-tests-cluster");
            silo.AddSqliteGrainStorage("sqlite", o => o.ConnectionString = connectionString);
            silo.AddSqliteGrainStorageAsDefault(o => o.ConnectionString = connectionString);
            silo.UseSqliteReminderService(o => o.ConnectionString = connectionString);
            silo.Configure<ReminderOptions>(o => o.MinimumReminderPeriod = TimeSpan.FromSeconds(1));
            configure?.Invoke(silo);
        });
        return new SqliteSilo(builder.Build());
    }

    /// <summary>
    /// Builds and starts the host. A free port can be taken by another process between choosing and binding it;
    /// such a start is retried on new ports (at most three attempts), any other failure is thrown at once.
    /// </summary>
    public static async Task<SqliteSilo> StartAsync(string databaseFile, Action<ISiloBuilder>? configure = null)
    {
        for (var attempt = 1; ; attempt++)
        {
            var silo = Build(databaseFile, configure);
            try
            {
                await silo.Host.StartAsync();
                return silo;
            }
            catch (Exception ex) when (attempt < 3 && IsAddressInUse(ex))
            {
                silo.Host.Dispose();
            }
            catch
            {
                silo.Host.Dispose();
                throw;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Host.StopAsync();
        Host.Dispose();
    }

    private static bool IsAddressInUse(Exception? ex)
    {
        for (; ex is not null; ex = ex.InnerException)
        {
            if (ex is SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse })
            {
                return true;
            }

            if (ex is AggregateException aggregate && aggregate.InnerExceptions.Any(IsAddressInUse))
            {
                return true;
            }
        }

        return false;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
