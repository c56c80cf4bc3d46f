using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Marketplace.Crypto;
using Marketplace.Crypto.Ethereum;

namespace Marketplace.Grains.Settlement;

/// <summary>Whose custodial account.</summary>
internal enum AccountRole
{
    /// <summary>A client: deposits escrow from it; refunds and rests of escrows come back to it.</summary>
    Client,

    /// <summary>A worker: it stakes from it, is slashed on it and is paid to it.</summary>
    Worker,
}

/// <summary>
/// The custodial account of each client and worker on the chain: its key is derived from the settlement key and the
/// id, <c>k = keccak256(settlementKey || "marketplace/settlement/{client|worker}/" || id)</c> (hashed again with a
/// counter in the negligible case it is not a valid key). The mapping is deterministic (no registry to lose or keep
/// in step between silos: the same id always has the same address, across restarts and silos), one-to-one for all
/// practical purposes, and an operator can recompute any account's key from the settlement key. Whoever holds the
/// settlement key holds every custodial account, which is what lets the marketplace escrow at submit and stake on a
/// worker's behalf: <c>Escrow.deposit</c> and <c>Staking.stake</c> must come from the account itself.
/// </summary>
internal sealed class CustodialAccounts(Secp256k1PrivateKey settlementKey)
{
    private readonly ConcurrentDictionary<(AccountRole, string), Secp256k1PrivateKey> _keys = new();
    private readonly ConcurrentDictionary<(AccountRole, string), Address> _addresses = new();

    /// <summary>The settlement account's key (sends settler, slasher and funding transactions).</summary>
    public Secp256k1PrivateKey SettlementKey { get; } = settlementKey;

    /// <summary>The settlement account.</summary>
    public Address SettlementAddress { get; } = Address.FromPublicKey(settlementKey.PublicKey);

    /// <summary>The key of <paramref name="id"/>'s account.</summary>
    public Secp256k1PrivateKey KeyOf(AccountRole role, string id) =>
        _keys.GetOrAdd((role, id), static (k, root) => Derive(root, k.Item1, k.Item2), SettlementKey);

    /// <summary>The address of <paramref name="id"/>'s account.</summary>
    public Address AddressOf(AccountRole role, string id) =>
        _addresses.GetOrAdd((role, id), static (k, self) => Address.FromPublicKey(self.KeyOf(k.Item1, k.Item2).PublicKey), this);

    /// <summary>Derives the key of (<paramref name="role"/>, <paramref name="id"/>) from <paramref name="root"/>.</summary>
    public static Secp256k1PrivateKey Derive(Secp256k1PrivateKey root, AccountRole role, string id)
    {
        var label = Encoding.UTF8.GetBytes($"marketplace/settlement/{(role == AccountRole.Client ? "client" : "worker")}/{id}");
        var rootBytes = root.ToBytes();
        var preimage = new byte[rootBytes.Length + label.Length + 1];
        try
        {
            rootBytes.CopyTo(preimage, 0);
            label.CopyTo(preimage, rootBytes.Length);
            for (byte counter = 0; ; counter++)
            {
                // The counter byte is only appended on a retry, so the first candidate is the documented formula.
                var length = counter == 0 ? preimage.Length - 1 : preimage.Length;
                preimage[^1] = counter;
                var candidate = Keccak256.Hash(preimage.AsSpan(0, length));
                try
                {
                    return Secp256k1PrivateKey.FromBytes(candidate);
                }
                catch (CryptoFormatException) when (counter < byte.MaxValue)
                {
                    // Zero or not below the group order (probability about 2^-128): the next candidate.
                }
                finally
                {
                    CryptographicOperations.ZeroMemory(candidate);
                }
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(rootBytes);
            CryptographicOperations.ZeroMemory(preimage);
        }
    }
}
