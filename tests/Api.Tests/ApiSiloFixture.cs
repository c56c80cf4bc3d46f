using Xunit;

namespace Marketplace.Api.Tests;

/// <summary>One silo shared by the tests of the <c>api</c> collection (starting a silo per test would cost seconds).</summary>
public sealed class ApiSiloFixture : IAsyncLifetime
{
    /// <summary>Blob size limit of the shared silo: 24 MiB, so the oversize tests stay fast.</summary>
    public const long MaxBlobBytes = 24L * 1024 * 1024;

    /// <summary>JSON body limit of the shared silo: 2 MiB.</summary>
    public const long MaxJsonBodyBytes = 2L * 1024 * 1024;

    /// <summary>API key of the abuse suite's client, whose rate limit is out of reach.</summary>
    public const string FuzzKey = "test-key-fuzzer-0123456789abcdef";

    /// <summary>Client id of <see cref="FuzzKey"/>.</summary>
    public const string FuzzClient = "fuzzer";

    /// <summary>Signing key id of <see cref="FuzzClient"/> (signing is optional for it).</summary>
    public const string FuzzSigningKeyId = "fuzz-k1";

    /// <summary>Secret of <see cref="FuzzSigningKeyId"/>: 32 bytes of 0x5a.</summary>
    public static readonly byte[] FuzzSigningSecret = [.. Enumerable.Repeat((byte)0x5a, 32)];

    public ApiTestSilo Silo { get; private set; } = null!;

    public async Task InitializeAsync() =>
        Silo = await ApiTestSilo.StartAsync(new Dictionary<string, string?>
        {
            ["Marketplace:Blobs:MaxBlobBytes"] = MaxBlobBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Marketplace:Api:MaxJsonBodyBytes"] = MaxJsonBodyBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
            // The abuse suite's client: its requests are meant to reach every check behind the rate limit.
            ["Marketplace:Api:Keys:" + FuzzKey] = FuzzClient,
            ["Marketplace:Api:RateLimit:Clients:" + FuzzClient + ":RequestsPerSecond"] = "1000000",
            ["Marketplace:Api:RateLimit:Clients:" + FuzzClient + ":Burst"] = "1000000",
            ["Marketplace:Api:SigningKeys:" + FuzzSigningKeyId + ":Client"] = FuzzClient,
            ["Marketplace:Api:SigningKeys:" + FuzzSigningKeyId + ":Secret"] = Convert.ToBase64String(FuzzSigningSecret),
        });

    public async Task DisposeAsync() => await Silo.DisposeAsync();
}

/// <summary>The tests that share <see cref="ApiSiloFixture"/>.</summary>
[CollectionDefinition(Name)]
public sealed class ApiCollection : ICollectionFixture<ApiSiloFixture>
{
    public const string Name = "api";
}

/// <summary>The abuse suite, on a shared-settings silo of its own and run alone: its bounds on the process's managed
/// heap and working set must not count what other tests' silos hold at the same moment.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AbuseCollection : ICollectionFixture<ApiSiloFixture>
{
    public const string Name = "abuse";
}
