using System.Numerics;
using System.Text;
using Marketplace.Crypto.Ethereum;

namespace Marketplace.Grains.Settlement;

/// <summary>
/// A job's terms for release on proof as the <c>ReceiptRelease</c> contract checks them: the digest its
/// <c>termsDigest</c> computes (keccak-256 of the ABI encoding of keccak-256 of <c>marketplace/job-terms/v1</c>, the
/// chain id, the contract, the job's chain id, the price per million fuel, the threshold and the committee fee percent),
/// the client account's
/// EIP-191 signature of it, and the <c>setTermsWithSignature</c> call that states them on chain.
/// </summary>
public static class JobTermsSignature
{
    /// <summary>The most signers the contract lets a job require.</summary>
    public const int MaxThreshold = 16;

    private static readonly byte[] Tag = Keccak256.Hash("marketplace/job-terms/v1"u8);

    /// <summary>The contract's <c>termsDigest(jobId, price, threshold)</c> for <paramref name="jobId"/> (the
    /// marketplace's id; the chain's is its keccak-256).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A price below 1, a threshold outside 1-16 or a fee outside
    /// 0-100.</exception>
    public static byte[] Digest(long chainId, Address contract, string jobId, long pricePerMillionFuel, int threshold, int committeeFeePercent)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(committeeFeePercent);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(committeeFeePercent, 100);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(chainId);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(pricePerMillionFuel);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(threshold);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(threshold, MaxThreshold);
        Span<byte> words = stackalloc byte[7 * 32];
        words.Clear();
        Tag.CopyTo(words);
        Word(words[32..64], chainId);
        contract.ToBytes().CopyTo(words[(64 + 12)..96]);
        Keccak256.Hash(Encoding.UTF8.GetBytes(jobId)).CopyTo(words[96..128]);
        Word(words[128..160], pricePerMillionFuel);
        Word(words[160..192], threshold);
        Word(words[192..224], committeeFeePercent);
        return Keccak256.Hash(words);
    }

    /// <summary>Signs the digest with <paramref name="client"/> as <c>personal_sign</c> does (keccak-256 of
    /// <c>"\x19Ethereum Signed Message:\n32"</c> and the digest): 65 bytes r ‖ s ‖ v, v 27 or 28.</summary>
    public static byte[] Sign(Secp256k1PrivateKey client, ReadOnlySpan<byte> digest)
    {
        ArgumentNullException.ThrowIfNull(client);
        return client.Sign(PersonalMessageHash(digest)).ToBytes(legacyV: true);
    }

    /// <summary>The <c>setTermsWithSignature</c> call stating <paramref name="terms"/> on chain.</summary>
    public static byte[] EncodeSetTerms(GrainInterfaces.ChainJobTerms terms)
    {
        ArgumentNullException.ThrowIfNull(terms);
        return SettlementContracts.ReceiptRelease.Abi.GetFunction("setTermsWithSignature").EncodeCall(
            ReceiptReleaseCall.ChainId(terms.JobId), new BigInteger(terms.PricePerMillionFuel), terms.Threshold, terms.CommitteeFeePercent, terms.ClientSignature);
    }

    /// <summary>keccak-256 of the EIP-191 prefix for 32 bytes and <paramref name="digest"/>.</summary>
    internal static byte[] PersonalMessageHash(ReadOnlySpan<byte> digest)
    {
        if (digest.Length != 32)
        {
            throw new ArgumentException($"a digest is 32 bytes, not {digest.Length}", nameof(digest));
        }

        var prefix = "\u0019Ethereum Signed Message:\n32"u8;
        Span<byte> message = stackalloc byte[prefix.Length + 32];
        prefix.CopyTo(message);
        digest.CopyTo(message[prefix.Length..]);
        return Keccak256.Hash(message);
    }

    private static void Word(Span<byte> word, long value) =>
        System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(word[24..], value);
}
