// Entry point of this test assembly when it runs as a child silo process for the failure test:
//   dotnet Marketplace.Persistence.PostgreSql.Tests.dll silo <connectionString> <clusterId> <serviceId> <siloPort> <gatewayPort>
// It starts one silo configured exactly like the in-process ones, prints "READY <siloPort>" on stdout once the silo
// is Active, and runs until killed. Under the test runner this entry point is not used.
using Marketplace.Persistence.PostgreSql.Tests.Support;
using Microsoft.Extensions.Hosting;

namespace Marketplace.Persistence.PostgreSql.Tests;

/// <summary>Runs a child silo for <see cref="SiloFailureTests"/>.</summary>
public static class Program
{
    /// <summary>The process entry point.</summary>
    public static async Task<int> Main(string[] args)
    {
        if (args is not ["silo", var connectionString, var clusterId, var serviceId, var siloPort, var gatewayPort])
        {
            await Console.Error.WriteLineAsync("usage: silo <connectionString> <clusterId> <serviceId> <siloPort> <gatewayPort>");
            return 2;
        }

        WatchParent();
        var cluster = new ClusterIdentity(connectionString, clusterId, serviceId);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        TestSilo.ConfigureLogging(builder.Logging);
        builder.UseOrleans(silo => TestSilo.Configure(silo, cluster, int.Parse(siloPort), int.Parse(gatewayPort)));
        using var host = builder.Build();
        await host.StartAsync();
        Console.WriteLine($"READY {siloPort}");
        await host.WaitForShutdownAsync();
        return 0;
    }

    /// <summary>Exits when the test process that started this one is gone, so an aborted run leaves no silo behind.</summary>
    private static void WatchParent()
    {
        if (!int.TryParse(Environment.GetEnvironmentVariable(ChildSilo.ParentProcessVariable), out var parent))
        {
            return;
        }

        _ = Task.Run(async () =>
        {
            while (true)
            {
                try
                {
                    using var process = System.Diagnostics.Process.GetProcessById(parent);
                    if (process.HasExited)
                    {
                        break;
                    }
                }
                catch (ArgumentException)
                {
                    break; // no such process
                }

                await Task.Delay(TimeSpan.FromSeconds(2));
            }

            Environment.Exit(3);
        });
    }
}
