using Marketplace.Grains.Storage;
using Microsoft.Extensions.Options;
using Xunit;

namespace Marketplace.Api.Tests.Configuration;

/// <summary>Marketplace:Storage at startup: the defaults pass, every bad value is named with its key, and a bad value
/// stops the silo before it serves.</summary>
public sealed class StorageSettingsTests
{
    [Fact]
    public void The_defaults_and_a_full_provider_list_pass()
    {
        var options = new StorageOptions { Providers = [new() { Id = "p1" }, new() { Id = "p2", PricePerGiBMonth = 0 }] };
        Assert.True(new StorageOptionsValidator().Validate(null, options).Succeeded);
        Assert.True(new StorageOptionsValidator().Validate(null, new StorageOptions { MinimumProviderReputation = 0 }).Succeeded);
        Assert.True(new StorageOptionsValidator().Validate(null, new StorageOptions { MinimumProviderReputation = 1 }).Succeeded);
    }

    [Fact]
    public void A_placing_deal_is_never_ended_while_the_largest_deal_may_still_be_arriving_at_the_slowest_rate()
    {
        // The defaults: 64 MiB at 64 KiB/s is 17 min 4 s; with 10 minutes more it is under the hour.
        Assert.Equal(TimeSpan.FromHours(1), new StorageOptions().EffectivePlacingTimeout);
        // 256 MiB at 64 KiB/s is 68 min 16 s: that plus 10 minutes applies.
        Assert.Equal(TimeSpan.FromSeconds(4096 + 600), new StorageOptions { MaxDealBytes = 256L << 20 }.EffectivePlacingTimeout);
        // Without a minimum rate the setting stands as it is.
        Assert.Equal(TimeSpan.FromMinutes(5), new StorageOptions { PlacingTimeout = TimeSpan.FromMinutes(5), MinUploadBytesPerSecond = 0 }.EffectivePlacingTimeout);
    }

    [Fact]
    public void Every_bad_value_is_named_with_its_key()
    {
        var options = new StorageOptions
        {
            MaxDealBytes = 0,
            TransferBufferBytes = 1000,
            AuditInterval = TimeSpan.FromMilliseconds(10),
            PaymentPeriod = TimeSpan.Zero,
            ChallengesPerFragment = 65,
            ProviderTimeout = TimeSpan.Zero,
            MinimumProviderStake = -1,
            MinimumProviderReputation = 1.5,
            MaxDealsPerClient = 10_001,
            PlacingTimeout = TimeSpan.FromSeconds(59),
            Providers = [new() { Id = "p 1" }, new() { Id = "p2", CapacityBytes = 0, PricePerGiBMonth = -1 }, new() { Id = "p2" }],
        };
        var result = new StorageOptionsValidator().Validate(null, options);
        Assert.True(result.Failed);
        string[] expected =
        [
            "Marketplace:Storage:MaxDealBytes is 0",
            "Marketplace:Storage:TransferBufferBytes is 1000",
            "Marketplace:Storage:AuditInterval is 00:00:00.0100000",
            "Marketplace:Storage:PaymentPeriod is 00:00:00",
            "Marketplace:Storage:ChallengesPerFragment is 65",
            "Marketplace:Storage:ProviderTimeout must be positive",
            "Marketplace:Storage:MinimumProviderStake is -1",
            "Marketplace:Storage:MinimumProviderReputation is 1.5; it must be from 0 to 1",
            "Marketplace:Storage:MaxDealsPerClient is 10001; it must be from 1 to 10000",
            "Marketplace:Storage:PlacingTimeout is 00:00:59; it must be at least 1 minute",
            "Marketplace:Storage:Providers:0:Id 'p 1' must be",
            "Marketplace:Storage:Providers:1:CapacityBytes must be positive",
            "Marketplace:Storage:Providers:1:PricePerGiBMonth must not be negative",
            "Marketplace:Storage:Providers:2:Id 'p2' is listed twice",
        ];
        foreach (var text in expected)
        {
            Assert.Contains(result.Failures!, f => f.StartsWith(text, StringComparison.Ordinal));
        }

        Assert.Equal(expected.Length, result.Failures!.Count());
        Assert.True(new StorageOptionsValidator().Validate(null, new StorageOptions { MinimumProviderReputation = double.NaN }).Failed);
        Assert.True(new StorageOptionsValidator().Validate(null, new StorageOptions { MinimumProviderReputation = -0.1 }).Failed);
    }

    [Fact]
    public async Task A_bad_minimum_reputation_stops_the_silo_naming_the_key()
    {
        var folder = Path.Combine(Path.GetTempPath(), "marketplace-api-tests", Guid.NewGuid().ToString("N"));
        try
        {
            var error = await Assert.ThrowsAsync<OptionsValidationException>(() => ApiTestSilo.StartAsync(
                new Dictionary<string, string?> { ["Marketplace:Storage:MinimumProviderReputation"] = "2" },
                dataFolder: folder));
            Assert.Contains("Marketplace:Storage:MinimumProviderReputation is 2", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }
}
