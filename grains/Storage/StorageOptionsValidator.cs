using Marketplace.GrainInterfaces;
using Microsoft.Extensions.Options;

namespace Marketplace.Grains.Storage;

/// <summary>Checks <see cref="StorageOptions"/> at start; each problem names its key.</summary>
internal sealed class StorageOptionsValidator : IValidateOptions<StorageOptions>
{
    public ValidateOptionsResult Validate(string? name, StorageOptions options)
    {
        var problems = new List<string>();
        const string S = StorageOptions.Section;
        if (options.MaxConcurrentDealUploadsPerClient < 1)
        {
            problems.Add($"{S}:MaxConcurrentDealUploadsPerClient is {options.MaxConcurrentDealUploadsPerClient}; it must be at least 1");
        }

        if (options.MaxDealsPerClient is < 1 or > StorageOptions.MaxDealsPerClientLimit)
        {
            problems.Add($"{S}:MaxDealsPerClient is {options.MaxDealsPerClient}; it must be from 1 to {StorageOptions.MaxDealsPerClientLimit}");
        }

        if (options.PlacingTimeout < TimeSpan.FromMinutes(1))
        {
            problems.Add($"{S}:PlacingTimeout is {options.PlacingTimeout}; it must be at least 1 minute");
        }

        if (options.MinUploadBytesPerSecond < 0)
        {
            problems.Add($"{S}:MinUploadBytesPerSecond is {options.MinUploadBytesPerSecond}; it must not be negative");
        }

        if (options.MaxDealBytes is < 1 or > StorageOptions.MaxDealBytesLimit)
        {
            problems.Add($"{S}:MaxDealBytes is {options.MaxDealBytes}; it must be from 1 to 16 GiB");
        }

        if (options.TransferBufferBytes is < 1L << 20 or > 1L << 30)
        {
            problems.Add($"{S}:TransferBufferBytes is {options.TransferBufferBytes}; it must be from 1 MiB to 1 GiB");
        }

        if (options.AuditInterval < TimeSpan.FromSeconds(1))
        {
            problems.Add($"{S}:AuditInterval is {options.AuditInterval}; it must be at least 1 second");
        }

        if (options.PaymentPeriod < TimeSpan.FromSeconds(1))
        {
            problems.Add($"{S}:PaymentPeriod is {options.PaymentPeriod}; it must be at least 1 second");
        }

        if (options.ChallengesPerFragment is < 1 or > 64)
        {
            problems.Add($"{S}:ChallengesPerFragment is {options.ChallengesPerFragment}; it must be from 1 to 64");
        }

        if (options.ProviderTimeout <= TimeSpan.Zero)
        {
            problems.Add($"{S}:ProviderTimeout must be positive");
        }

        if (options.MinimumProviderStake < 0)
        {
            problems.Add($"{S}:MinimumProviderStake is {options.MinimumProviderStake}; it must not be negative");
        }

        if (!(options.MinimumProviderReputation is >= 0 and <= 1))
        {
            problems.Add($"{S}:MinimumProviderReputation is {options.MinimumProviderReputation}; it must be from 0 to 1");
        }

        if (options.DefaultProviders is < 0 or > StorageOptions.MaxDefaultProviders)
        {
            problems.Add($"{S}:DefaultProviders is {options.DefaultProviders}; it must be from 0 to {StorageOptions.MaxDefaultProviders}");
        }

        if (options.Providers.Count == 0 && options.DefaultProviders > 0
            && !StorageIds.IsValid(options.DefaultProviderPrefix + options.DefaultProviders.ToString(System.Globalization.CultureInfo.InvariantCulture)))
        {
            problems.Add($"{S}:DefaultProviderPrefix '{options.DefaultProviderPrefix}' must be letters, digits, '-', '_' and '.', at most 62 characters");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < options.Providers.Count; i++)
        {
            var provider = options.Providers[i];
            var at = $"{S}:Providers:{i}";
            if (!StorageIds.IsValid(provider.Id))
            {
                problems.Add($"{at}:Id '{provider.Id}' must be 1-64 characters of letters, digits, '-', '_' and '.'");
            }
            else if (!seen.Add(provider.Id))
            {
                problems.Add($"{at}:Id '{provider.Id}' is listed twice");
            }

            if (provider.CapacityBytes < 1)
            {
                problems.Add($"{at}:CapacityBytes must be positive");
            }

            if (provider.PricePerGiBMonth < 0)
            {
                problems.Add($"{at}:PricePerGiBMonth must not be negative");
            }
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
