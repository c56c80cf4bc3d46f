using System.Numerics;
using Marketplace.Chain.Transactions;
using Marketplace.Crypto.Ethereum;

namespace Marketplace.Chain.Sending;

/// <summary>What to send; unset gas and fees are filled in by <see cref="TransactionSender"/>.</summary>
public sealed record TransactionRequest
{
    /// <summary>Recipient; null to deploy <see cref="Data"/> as contract creation code.</summary>
    public Address? To { get; init; }

    /// <summary>Wei to send.</summary>
    public BigInteger Value { get; init; }

    /// <summary>Call data or creation code.</summary>
    public ReadOnlyMemory<byte> Data { get; init; }

    /// <summary>Gas limit; null to use <c>eth_estimateGas</c> plus the sender's margin.</summary>
    public ulong? GasLimit { get; init; }

    /// <summary>EIP-1559 fees; null to use the <see cref="FeeEstimator"/>. Ignored for legacy transactions.</summary>
    public Eip1559Fees? Fees { get; init; }

    /// <summary>True to send a legacy EIP-155 transaction instead of type 2.</summary>
    public bool Legacy { get; init; }

    /// <summary>Gas price of a legacy transaction; null to use <c>eth_gasPrice</c>.</summary>
    public BigInteger? GasPrice { get; init; }
}

/// <summary>A transaction the node accepted.</summary>
/// <param name="Hash">Transaction hash.</param>
/// <param name="Nonce">Nonce used.</param>
/// <param name="Transaction">The signed transaction as sent.</param>
public sealed record SentTransaction(Hash32 Hash, ulong Nonce, SignedTransaction Transaction);

/// <summary>Settings of <see cref="TransactionSender"/>.</summary>
public sealed class TransactionSenderOptions
{
    /// <summary>Gas limit = estimate * (1 + margin), rounded up (default 0.2). Unused gas is not charged.</summary>
    public double GasLimitMargin { get; init; } = 0.2;

    /// <summary>Longest wait for a receipt in <see cref="TransactionSender.SendAndWaitAsync"/> (default 2 minutes).</summary>
    public TimeSpan ReceiptTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Time between receipt polls (default 50 ms).</summary>
    public TimeSpan ReceiptPollInterval { get; init; } = ReceiptPolling.DefaultPollInterval;
}
