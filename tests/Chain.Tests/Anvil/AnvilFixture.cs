using System.Numerics;
using Marketplace.Chain.Development;
using Marketplace.Chain.Rpc;
using Marketplace.Chain.Sending;
using Marketplace.Crypto.Ethereum;
using Xunit;

namespace Marketplace.Chain.Tests.Anvil;

/// <summary>
/// A private anvil per test class (<see cref="AnvilNode"/>: 127.0.0.1, a free port, killed on dispose) and the nonces
/// its senders share.
/// </summary>
public sealed class AnvilFixture : IAsyncLifetime
{
    private AnvilNode? _node;
    private string? _startError;

    /// <summary>The JSON-RPC client of the running anvil.</summary>
    public EvmRpcClient Rpc => _node?.Rpc ?? throw new InvalidOperationException(_startError ?? "anvil is not running.");

    /// <summary>Nonces shared by every sender of the class, as in one process.</summary>
    public NonceManager Nonces { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (AnvilBinary.Find() is null)
        {
            _startError = $"anvil not found: {AnvilBinary.Describe()}.";
            return;
        }

        _node = await AnvilNode.StartAsync();
        Nonces = new NonceManager(_node.Rpc);
    }

    public async Task DisposeAsync()
    {
        if (_node is { } node)
        {
            await node.DisposeAsync();
        }
    }

    /// <summary>A fresh key whose account holds exactly <paramref name="balance"/> wei (set with <c>anvil_setBalance</c>).</summary>
    public async Task<Secp256k1PrivateKey> FundedKeyAsync(BigInteger balance)
    {
        var key = await _node!.FundedKeyAsync(balance);
        Assert.Equal(balance, await Rpc.GetBalanceAsync(Address.FromPublicKey(key.PublicKey)));
        return key;
    }

    /// <summary>A sender for <paramref name="key"/> sharing the class's nonce manager.</summary>
    public TransactionSender Sender(Secp256k1PrivateKey key, TransactionSenderOptions? options = null) =>
        new(Rpc, key, Nonces, new FeeEstimator(Rpc), options);
}
