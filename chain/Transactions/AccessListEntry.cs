using Marketplace.Crypto.Ethereum;

namespace Marketplace.Chain.Transactions;

/// <summary>One entry of an EIP-2930 access list: an address and the storage keys the transaction will touch.</summary>
/// <param name="Address">The account.</param>
/// <param name="StorageKeys">The storage slots of that account (may be empty).</param>
public sealed record AccessListEntry(Address Address, IReadOnlyList<Hash32> StorageKeys);
