using Xunit;

namespace Marketplace.Api.Tests.Sdk;

/// <summary>One gateway silo shared by the grain-client and CLI end-to-end tests (a silo per test would cost seconds).</summary>
public sealed class GatewaySiloFixture : IAsyncLifetime
{
    /// <summary>Blob size limit of the shared silo: 8 MiB, so the oversize test stays fast.</summary>
    public const long MaxBlobBytes = 8L * 1024 * 1024;

    public GatewayTestSilo Silo { get; private set; } = null!;

    public async Task InitializeAsync() =>
        Silo = await GatewayTestSilo.StartAsync(new Dictionary<string, string?>
        {
            ["Marketplace:Blobs:MaxBlobBytes"] = MaxBlobBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });

    public async Task DisposeAsync() => await Silo.DisposeAsync();
}

/// <summary>The tests that share <see cref="GatewaySiloFixture"/>.</summary>
[CollectionDefinition(Name)]
public sealed class GatewayCollection : ICollectionFixture<GatewaySiloFixture>
{
    public const string Name = "gateway";
}
