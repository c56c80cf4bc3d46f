using Marketplace.Crypto.Ethereum;
using Marketplace.Grains.Settlement;
using Xunit;

namespace Marketplace.Settlement.Tests;

/// <summary>The settings check names every bad field and never the key; the custodial mapping is deterministic.</summary>
public sealed class ChainSettlementOptionsTests
{
    private const string Key = "0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318";

    [Fact]
    public void DisabledSettingsAreNotChecked()
    {
        Assert.True(new ChainSettlementOptionsValidator().Validate(null, new ChainSettlementOptions()).Succeeded);
    }

    [Fact]
    public void EveryBadFieldIsNamedAndTheKeyIsNeverShown()
    {
        var options = new ChainSettlementOptions
        {
            Enabled = true,
            RpcUrl = "ftp://node",
            ChainId = 0,
            PrivateKey = "0x" + new string('f', 64),
            EscrowAddress = "0x123",
            StakingAddress = "0x0000000000000000000000000000000000000000",
            TokenAddress = "",
            ReceiptReleaseAddress = "0xnot-an-address",
            BatchSize = 1_001,
            BatchInterval = TimeSpan.Zero,
            Confirmations = -1,
            CommitteeFeePercent = 11,
            GasFloorWei = "-5",
            WithdrawalAddresses = { ["alice"] = "nope" },
        };
        var result = new ChainSettlementOptionsValidator().Validate(null, options);
        Assert.True(result.Failed);
        var message = result.FailureMessage;
        foreach (var field in new[] { "RpcUrl", "ChainId", "PrivateKey", "EscrowAddress", "StakingAddress is the zero address", "TokenAddress", "ReceiptReleaseAddress", "BatchSize", "BatchInterval", "Confirmations", "CommitteeFeePercent", "GasFloorWei", "WithdrawalAddresses:alice" })
        {
            Assert.Contains(field, message, StringComparison.Ordinal);
        }

        Assert.DoesNotContain(new string('f', 64), message, StringComparison.Ordinal);
    }

    [Fact]
    public void AKeyFileIsReadAndAMissingOneIsNamed()
    {
        var file = Path.Combine(Path.GetTempPath(), $"settlement-key-{Guid.NewGuid():N}");
        File.WriteAllText(file, Key[2..] + "\n");
        try
        {
            var key = SettlementKeyLoader.TryLoad(new ChainSettlementOptions { PrivateKeyFile = file }, out var problem);
            Assert.Null(problem);
            Assert.Equal(Address.Parse("0x2c7536E3605D9C16a7a3D7b1898e529396a65c23"), Address.FromPublicKey(key!.PublicKey));
        }
        finally
        {
            File.Delete(file);
        }

        Assert.Null(SettlementKeyLoader.TryLoad(new ChainSettlementOptions { PrivateKeyFile = file }, out var missing));
        Assert.Contains(file, missing, StringComparison.Ordinal);
    }

    [Fact]
    public void CustodialAccountsAreDeterministicAndDistinctPerRoleAndId()
    {
        var root = SettlementKeyLoader.Load(new ChainSettlementOptions { PrivateKey = Key });
        var accounts = new CustodialAccounts(root);
        var again = new CustodialAccounts(SettlementKeyLoader.Load(new ChainSettlementOptions { PrivateKey = Key }));
        Assert.Equal(accounts.AddressOf(AccountRole.Client, "alice"), again.AddressOf(AccountRole.Client, "alice"));
        Assert.NotEqual(accounts.AddressOf(AccountRole.Client, "alice"), accounts.AddressOf(AccountRole.Worker, "alice"));
        Assert.NotEqual(accounts.AddressOf(AccountRole.Client, "alice"), accounts.AddressOf(AccountRole.Client, "alice2"));
        Assert.NotEqual(accounts.SettlementAddress, accounts.AddressOf(AccountRole.Client, "alice"));
        var other = new CustodialAccounts(Secp256k1PrivateKey.Generate());
        Assert.NotEqual(accounts.AddressOf(AccountRole.Client, "alice"), other.AddressOf(AccountRole.Client, "alice"));
    }
}
