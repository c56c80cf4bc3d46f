using Xunit;

namespace Marketplace.Api.Tests.Cli;

/// <summary>The silo of <see cref="CliMoneyTests"/>: jobs paid through the ledger with a minimum stake of 1000, bob the
/// one operator, two clients of their own (dana is credited, erin is refused), and no unstake delay, so a withdrawal
/// right after an unstake pays it out.</summary>
public sealed class MoneySiloFixture : IAsyncLifetime
{
    /// <summary>API key of client <c>dana</c>.</summary>
    public const string DanaKey = "test-key-dana-0123456789abcdef01";

    /// <summary>API key of client <c>erin</c>.</summary>
    public const string ErinKey = "test-key-erin-0123456789abcdef01";

    public ApiTestSilo Silo { get; private set; } = null!;

    public async Task InitializeAsync() =>
        Silo = await ApiTestSilo.StartAsync(new Dictionary<string, string?>
        {
            ["Marketplace:Ledger:Enabled"] = "true",
            ["Marketplace:Ledger:MinimumStake"] = "1000",
            ["Marketplace:Ledger:UnstakeDelay"] = "00:00:00",
            ["Marketplace:Api:Operators:0"] = "bob",
            ["Marketplace:Api:Keys:" + DanaKey] = "dana",
            ["Marketplace:Api:Keys:" + ErinKey] = "erin",
        });

    public async Task DisposeAsync() => await Silo.DisposeAsync();
}
