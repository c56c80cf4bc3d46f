using System.Numerics;
using Marketplace.Crypto.Ethereum;

namespace Marketplace.Chain.Rpc;

/// <summary>A message for <c>eth_call</c> and <c>eth_estimateGas</c>.</summary>
public sealed record CallRequest
{
    /// <summary>Sender (matters for <c>msg.sender</c> checks and gas estimates).</summary>
    public Address? From { get; init; }

    /// <summary>Recipient; null to estimate a contract creation.</summary>
    public Address? To { get; init; }

    /// <summary>Wei sent.</summary>
    public BigInteger? Value { get; init; }

    /// <summary>Call data.</summary>
    public ReadOnlyMemory<byte> Data { get; init; }

    /// <summary>Gas limit for the call; null lets the node choose.</summary>
    public ulong? Gas { get; init; }
}
