using System.Security.Cryptography;

namespace Marketplace.GrainInterfaces;

/// <summary>
/// Signatures this process knows to be valid: batch signatures it verified, so the receipts of one signed batch cost
/// one pairing check between them, and the signatures its own workers just made with their keys. A receipt is still
/// checked against its hash, its leaf, its path and the root every time; only the pairing check of a known (key,
/// message, signature) is taken from here. Bounded: when full it forgets everything and starts again, which only costs
/// a check. Thread-safe.
/// </summary>
public sealed class VerifiedSignatures
{
    private readonly Lock _gate = new();
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
    private readonly int _capacity;

    /// <summary>A set that holds up to <paramref name="capacity"/> verified signatures.</summary>
    public VerifiedSignatures(int capacity = 4096)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _capacity = capacity;
    }

    /// <summary>How many checks were answered from the set since it was made.</summary>
    public long Hits { get; private set; }

    /// <summary>True when <paramref name="signature"/> over <paramref name="message"/> under
    /// <paramref name="publicKey"/> was verified before.</summary>
    public bool Contains(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        if (publicKey.Length != Crypto.Bls.PublicKey.Size || message.Length != ReceiptCodec.HashBytes || signature.Length != Crypto.Bls.Signature.Size)
        {
            return false;
        }

        var key = Key(publicKey, message, signature);
        lock (_gate)
        {
            if (_seen.Contains(key))
            {
                Hits++;
                return true;
            }

            return false;
        }
    }

    /// <summary>Remembers that <paramref name="signature"/> over <paramref name="message"/> verified under
    /// <paramref name="publicKey"/>.</summary>
    public void Add(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        var key = Key(publicKey, message, signature);
        lock (_gate)
        {
            if (_seen.Count >= _capacity)
            {
                _seen.Clear();
            }

            _seen.Add(key);
        }
    }

    private static string Key(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(publicKey);
        hash.AppendData(message);
        hash.AppendData(signature);
        return Convert.ToBase64String(hash.GetHashAndReset());
    }
}
