using Microsoft.Extensions.Options;

namespace Marketplace.Silo.Dashboard;

/// <summary>Rejects dashboard settings out of their ranges, naming the field and its value.</summary>
internal sealed class MarketplaceDashboardOptionsValidator : IValidateOptions<MarketplaceDashboardOptions>
{
    public ValidateOptionsResult Validate(string? name, MarketplaceDashboardOptions options)
    {
        var failures = new List<string>();
        const string Prefix = MarketplaceDashboardOptions.Section;
        if (options.RefreshInterval < TimeSpan.FromMilliseconds(250) || options.RefreshInterval > TimeSpan.FromMinutes(1))
        {
            failures.Add($"{Prefix}:RefreshInterval is {options.RefreshInterval}; it must be from 00:00:00.250 to 00:01:00.");
        }

        if (options.StreamLifetime < options.RefreshInterval || options.StreamLifetime > TimeSpan.FromHours(1))
        {
            failures.Add($"{Prefix}:StreamLifetime is {options.StreamLifetime}; it must be from RefreshInterval to 01:00:00.");
        }

        Range(failures, "ThroughputWindowMinutes", options.ThroughputWindowMinutes, 1, 60);
        Range(failures, "MaxWorkers", options.MaxWorkers, 1, 1000);
        Range(failures, "MaxClients", options.MaxClients, 1, 1000);
        Range(failures, "MaxProviders", options.MaxProviders, 1, 1000);
        Range(failures, "MaxDeals", options.MaxDeals, 1, 100);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Range(List<string> failures, string field, int value, int min, int max)
    {
        if (value < min || value > max)
        {
            failures.Add($"{MarketplaceDashboardOptions.Section}:{field} is {value}; it must be from {min} to {max}.");
        }
    }
}
