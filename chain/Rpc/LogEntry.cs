using Marketplace.Crypto.Ethereum;

namespace Marketplace.Chain.Rpc;

/// <summary>An event log, from a receipt or <c>eth_getLogs</c>. Decode it with <see cref="Abi.AbiEvent.Decode"/>.</summary>
/// <param name="Address">The contract that emitted it.</param>
/// <param name="Topics">Topic 0 (the event's signature hash unless anonymous), then indexed arguments.</param>
/// <param name="Data">ABI-encoded non-indexed arguments.</param>
/// <param name="BlockNumber">Block number (null while pending).</param>
/// <param name="BlockHash">Block hash (null while pending).</param>
/// <param name="TransactionHash">Hash of the transaction that emitted it.</param>
/// <param name="LogIndex">Position in the block.</param>
/// <param name="Removed">True when a reorganization removed the log.</param>
public sealed record LogEntry(
    Address Address,
    IReadOnlyList<Hash32> Topics,
    ReadOnlyMemory<byte> Data,
    ulong? BlockNumber,
    Hash32? BlockHash,
    Hash32? TransactionHash,
    ulong? LogIndex,
    bool Removed);
