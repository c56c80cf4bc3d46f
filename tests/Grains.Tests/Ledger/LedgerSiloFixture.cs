using Marketplace.TestSupport;
using Xunit;

namespace Marketplace.Grains.Tests.Ledger;

/// <summary>One silo for a test class; each test takes a ledger of its own (<see cref="NewKey"/>).</summary>
public sealed class LedgerSiloFixture : IAsyncLifetime
{
    private MarketplaceTestSilo? _silo;

    internal ManualClock Time { get; } = new(LedgerKit.Start);

    internal MarketplaceTestSilo Silo => _silo ?? throw new InvalidOperationException("not started");

    public static string NewKey() => "test-" + Guid.NewGuid().ToString("N");

    public async Task InitializeAsync() => _silo = await LedgerKit.StartAsync(Time);

    public async Task DisposeAsync()
    {
        if (_silo is not null)
        {
            await _silo.DisposeAsync();
        }
    }
}
