using System.Net;
using Microsoft.Extensions.Options;

namespace Marketplace.Silo.Hosting;

/// <summary>Checks <see cref="SiloClusterOptions"/> at start and names every failing field with its value.</summary>
internal sealed class SiloClusterOptionsValidator : IValidateOptions<SiloClusterOptions>
{
    public ValidateOptionsResult Validate(string? name, SiloClusterOptions options)
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(options.ClusterId))
        {
            problems.Add($"{SiloClusterOptions.Section}:ClusterId must not be empty");
        }

        if (string.IsNullOrWhiteSpace(options.ServiceId))
        {
            problems.Add($"{SiloClusterOptions.Section}:ServiceId must not be empty");
        }

        CheckPort(problems, "SiloPort", options.SiloPort);
        CheckPort(problems, "GatewayPort", options.GatewayPort);
        if (options.SiloPort == options.GatewayPort)
        {
            problems.Add($"{SiloClusterOptions.Section}:SiloPort and :GatewayPort must differ (both are {options.SiloPort})");
        }

        if (!IPAddress.TryParse(options.Address, out var address))
        {
            problems.Add($"{SiloClusterOptions.Section}:Address '{options.Address}' is not an IP address");
        }
        else if (options.Mode == ClusterMode.Localhost && !IPAddress.IsLoopback(address))
        {
            problems.Add($"{SiloClusterOptions.Section}:Address '{options.Address}' must be a loopback address in Localhost mode");
        }
        else if (address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any))
        {
            problems.Add($"{SiloClusterOptions.Section}:Address '{options.Address}' must name one address the other silos can reach, not a wildcard");
        }

        if (options.Mode == ClusterMode.PostgreSql && string.IsNullOrWhiteSpace(options.PostgreSqlConnectionString))
        {
            problems.Add($"{SiloClusterOptions.Section}:PostgreSqlConnectionString is required when Mode is PostgreSql");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    private static void CheckPort(List<string> problems, string field, int port)
    {
        if (port is < 1 or > 65535)
        {
            problems.Add($"{SiloClusterOptions.Section}:{field} {port} is not a port (1-65535)");
        }
    }
}
