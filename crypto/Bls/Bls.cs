// Design note: the proof-of-possession scheme of draft-irtf-cfrg-bls-signature with public keys in G1 and
// signatures in G2 (ciphersuite BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_). Every check is one multi-pairing
//   e(-G1, sig) * prod_i e(pk_i, H(m_i)) == 1
// with a single final exponentiation. Typed inputs are already validated (KeyValidate / subgroup check at
// decoding), so the byte-level overloads simply decode and return false on anything malformed.
using System.Security.Cryptography;
using G1Point = Marketplace.Crypto.Bls.ProjectivePoint<Marketplace.Crypto.Bls.Fp>;
using G2Point = Marketplace.Crypto.Bls.ProjectivePoint<Marketplace.Crypto.Bls.Fp2>;

namespace Marketplace.Crypto.Bls;

/// <summary>BLS signatures over BLS12-381, Ethereum proof-of-possession ciphersuite.</summary>
public static class Bls
{
    /// <summary>Domain separation tag for signatures.</summary>
    public const string SignatureDst = "BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_";

    /// <summary>Domain separation tag for proofs of possession.</summary>
    public const string PopDst = "BLS_POP_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_";

    private static readonly byte[] SignatureDstBytes = System.Text.Encoding.ASCII.GetBytes(SignatureDst);
    private static readonly byte[] PopDstBytes = System.Text.Encoding.ASCII.GetBytes(PopDst);
    private static readonly Fp NegG1Y = -G1.GeneratorY;

    /// <summary>KeyGen: a secret key from at least 32 bytes of secret input keying material.</summary>
    public static SecretKey KeyGen(ReadOnlySpan<byte> ikm, ReadOnlySpan<byte> keyInfo = default) => SecretKey.KeyGen(ikm, keyInfo);

    /// <summary>SkToPk: SK * G1.</summary>
    public static PublicKey SkToPk(SecretKey secretKey)
    {
        ArgumentNullException.ThrowIfNull(secretKey);
        return secretKey.PublicKey();
    }

    /// <summary>Sign: SK * H(message).</summary>
    public static Signature Sign(SecretKey secretKey, ReadOnlySpan<byte> message) =>
        SignWithDst(secretKey, message, SignatureDstBytes);

    /// <summary>Verify one signature on one message.</summary>
    public static bool Verify(PublicKey publicKey, ReadOnlySpan<byte> message, Signature signature)
    {
        ArgumentNullException.ThrowIfNull(publicKey);
        return CoreVerify(publicKey.X, publicKey.Y, message, signature, SignatureDstBytes);
    }

    /// <summary>Verify from wire encodings; false (never an exception) when either encoding is invalid.</summary>
    public static bool Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature) =>
        PublicKey.TryFromBytes(publicKey, out var pk) && Signature.TryFromBytes(signature, out var sig) && Verify(pk!, message, sig!);

    /// <summary>Aggregate: the sum of the signatures.</summary>
    /// <exception cref="ArgumentException">The list is empty.</exception>
    public static Signature Aggregate(IReadOnlyList<Signature> signatures)
    {
        ArgumentNullException.ThrowIfNull(signatures);
        if (signatures.Count == 0)
        {
            throw new ArgumentException("Aggregate needs at least one signature", nameof(signatures));
        }

        RequireNoNulls(signatures, nameof(signatures));
        if (signatures.Count == 1)
        {
            return signatures[0];
        }

        var sum = G2Point.Identity;
        for (int i = 0; i < signatures.Count; i++)
        {
            sum = G2Point.Add(sum, signatures[i].Point);
        }

        return Signature.FromPoint(sum);
    }

    /// <summary>The sum of public keys, as used by FastAggregateVerify (only safe with proofs of possession).</summary>
    /// <exception cref="ArgumentException">The list is empty, or the sum is the identity.</exception>
    public static PublicKey AggregatePublicKeys(IReadOnlyList<PublicKey> publicKeys)
    {
        ArgumentNullException.ThrowIfNull(publicKeys);
        if (publicKeys.Count == 0)
        {
            throw new ArgumentException("AggregatePublicKeys needs at least one key", nameof(publicKeys));
        }

        RequireNoNulls(publicKeys, nameof(publicKeys));
        var sum = SumKeys(publicKeys);
        if (sum.IsIdentity)
        {
            throw new ArgumentException("the public keys sum to the identity", nameof(publicKeys));
        }

        return SecretKey.PublicKeyFromTrustedPoint(sum);
    }

    /// <summary>AggregateVerify: key i signed message i and the signatures were aggregated. False for no keys.</summary>
    public static bool AggregateVerify(IReadOnlyList<PublicKey> publicKeys, IReadOnlyList<byte[]> messages, Signature signature)
    {
        ArgumentNullException.ThrowIfNull(publicKeys);
        ArgumentNullException.ThrowIfNull(messages);
        ArgumentNullException.ThrowIfNull(signature);
        int n = publicKeys.Count;
        if (n == 0 || n != messages.Count)
        {
            return false;
        }

        RequireNoNulls(publicKeys, nameof(publicKeys));
        RequireNoNulls(messages, nameof(messages));

        // One parallel region: each chunk hashes its messages, converts them to affine with one inversion and runs
        // the Miller loop over its pairs (chunk 0 also takes the signature's); the partial products meet in one
        // final exponentiation. A single fork-join keeps idle spinning (CPU time that does no work) to one wait.
        int chunks = Math.Max(1, Math.Min(Parallelism, n / MessagesPerChunk));
        var partial = new Fp12[chunks];
        if (chunks == 1)
        {
            partial[0] = MillerLoopOfMessages(publicKeys, messages, 0, n, signature);
        }
        else
        {
            Parallel.For(0, chunks, c => partial[c] = MillerLoopOfMessages(
                publicKeys, messages, (int)((long)n * c / chunks), (int)((long)n * (c + 1) / chunks), c == 0 ? signature : null));
        }

        Fp12 f = partial[0];
        for (int c = 1; c < chunks; c++)
        {
            f = f * partial[c];
        }

        return Pairing.FinalExponentiation(f).IsOne;
    }

    /// <summary>FastAggregateVerify: every key signed the same message. Requires proofs of possession. False for no keys.</summary>
    public static bool FastAggregateVerify(IReadOnlyList<PublicKey> publicKeys, ReadOnlySpan<byte> message, Signature signature)
    {
        ArgumentNullException.ThrowIfNull(publicKeys);
        ArgumentNullException.ThrowIfNull(signature);
        if (publicKeys.Count == 0)
        {
            return false;
        }

        RequireNoNulls(publicKeys, nameof(publicKeys));
        var sum = SumKeys(publicKeys);
        if (sum.IsIdentity)
        {
            return false;
        }

        sum.ToAffinePublic(out var x, out var y);
        return CoreVerify(x, y, message, signature, SignatureDstBytes);
    }

    /// <summary>PopProve: a signature on the key's own encoding under the PoP domain tag.</summary>
    public static Signature PopProve(SecretKey secretKey)
    {
        ArgumentNullException.ThrowIfNull(secretKey);
        var pk = secretKey.PublicKey();
        return SignWithDst(secretKey, pk.ToBytes(), PopDstBytes);
    }

    /// <summary>PopVerify: checks a proof of possession for a public key.</summary>
    public static bool PopVerify(PublicKey publicKey, Signature proof)
    {
        ArgumentNullException.ThrowIfNull(publicKey);
        return CoreVerify(publicKey.X, publicKey.Y, publicKey.ToBytes(), proof, PopDstBytes);
    }

    /// <summary>
    /// Verifies independent (key, message, signature) triples together: each pair is weighted by a fresh random
    /// non-zero 64-bit coefficient, so an invalid triple makes the whole batch fail except with negligible probability.
    /// True only when every triple is valid; false for an empty batch.
    /// </summary>
    public static bool BatchVerify(IReadOnlyList<(PublicKey PublicKey, byte[] Message, Signature Signature)> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        int n = items.Count;
        if (n == 0)
        {
            return false;
        }

        for (int i = 0; i < n; i++)
        {
            if (items[i].PublicKey is null || items[i].Message is null || items[i].Signature is null)
            {
                throw new ArgumentException($"batch item {i} has a null member", nameof(items));
            }
        }

        var coefficients = new ulong[n];
        Span<byte> random = stackalloc byte[8];
        for (int i = 0; i < n; i++)
        {
            do
            {
                RandomNumberGenerator.Fill(random);
                coefficients[i] = BitConverter.ToUInt64(random);
            }
            while (coefficients[i] == 0);
        }

        var keys = new G1Point[n];
        var hashes = new G2Point[n];
        var weightedSigs = new G2Point[n];
        ForEachIndex(n, i =>
        {
            var (pk, msg, sig) = items[i];
            keys[i] = JacobianPoint<Fp>.MulPublic(pk.Point, coefficients[i]);
            weightedSigs[i] = JacobianPoint<Fp2>.MulPublic(sig.Point, coefficients[i]);
            hashes[i] = HashToG2.Hash(msg, SignatureDstBytes);
        });

        var sigSum = G2Point.Identity;
        for (int i = 0; i < n; i++)
        {
            sigSum = G2Point.Add(sigSum, weightedSigs[i]);
        }

        var keyAffine = BatchToAffine(keys);
        var hashAffine = BatchToAffine(hashes);
        var pairs = new PairingInput[n + 1];
        int count = 0;
        for (int i = 0; i < n; i++)
        {
            if (!hashes[i].IsIdentity && !keys[i].IsIdentity)
            {
                pairs[count++] = new PairingInput(keyAffine[i].X, keyAffine[i].Y, hashAffine[i].X, hashAffine[i].Y);
            }
        }

        AddSignaturePair(sigSum, pairs, ref count);
        return Pairing.ProductIsOneParallel(pairs, count);
    }

    /// <summary>hash_to_curve for G2 with an explicit DST (RFC 9380 suite BLS12381G2_XMD:SHA-256_SSWU_RO_), projective.</summary>
    internal static G2Point HashToPoint(ReadOnlySpan<byte> message, ReadOnlySpan<byte> dst) => HashToG2.Hash(message, dst);

    private static Signature SignWithDst(SecretKey secretKey, ReadOnlySpan<byte> message, byte[] dst)
    {
        ArgumentNullException.ThrowIfNull(secretKey);
        var h = HashToG2.Hash(message, dst);
        return Signature.FromPoint(G2ScalarMultiplication.MulSecret(h, secretKey.Limbs));
    }

    private static bool CoreVerify(in Fp pkX, in Fp pkY, ReadOnlySpan<byte> message, Signature signature, byte[] dst)
    {
        ArgumentNullException.ThrowIfNull(signature);
        var h = HashToG2.Hash(message, dst);
        Span<PairingInput> pairs = new PairingInput[2];
        int count = 0;
        if (!h.IsIdentity)
        {
            h.ToAffinePublic(out var hx, out var hy);
            pairs[count++] = new PairingInput(pkX, pkY, hx, hy);
        }

        if (!signature.Point.IsIdentity)
        {
            signature.Point.ToAffinePublic(out var sx, out var sy);
            pairs[count++] = new PairingInput(G1.GeneratorX, NegG1Y, sx, sy);
        }

        return count > 0 && Pairing.ProductIsOne(pairs[..count]);
    }

    private static void RequireNoNulls<T>(IReadOnlyList<T> list, string name)
        where T : class
    {
        for (int i = 0; i < list.Count; i++)
        {
            if (list[i] is null)
            {
                throw new ArgumentException($"element {i} is null", name);
            }
        }
    }

    /// <summary>Runs body(i) for i in [0, n), on several cores when n is large enough to pay for it.</summary>
    private static void ForEachIndex(int n, Action<int> body)
    {
        if (n < 4 || Parallelism == 1)
        {
            for (int i = 0; i < n; i++)
            {
                body(i);
            }
        }
        else
        {
            Parallel.For(0, n, body);
        }
    }

    private static void AddSignaturePair(in G2Point sig, PairingInput[] pairs, ref int count)
    {
        if (!sig.IsIdentity)
        {
            sig.ToAffinePublic(out var sx, out var sy);
            pairs[count++] = new PairingInput(G1.GeneratorX, NegG1Y, sx, sy);
        }
    }

    /// <summary>
    /// Cores that AggregateVerify and BatchVerify may use (default: all). The benchmark sets 1 to measure the work on
    /// one core, which is what blst's single-threaded figures compare with.
    /// </summary>
    internal static int Parallelism
    {
        get => _parallelism;
        set => _parallelism = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "at least one core");
    }

    private static int _parallelism = Environment.ProcessorCount;

    /// <summary>Fewest messages per parallel chunk of AggregateVerify (hashing and a Miller loop, ~0.5 ms each).</summary>
    private const int MessagesPerChunk = 2;

    /// <summary>The (conjugated) Miller loop over (pk_i, H(m_i)) for i in [from, to), and over (-G1, sig) when given.</summary>
    private static Fp12 MillerLoopOfMessages(
        IReadOnlyList<PublicKey> publicKeys, IReadOnlyList<byte[]> messages, int from, int to, Signature? signature)
    {
        int m = to - from;
        var hashes = new G2Point[m];
        for (int i = 0; i < m; i++)
        {
            hashes[i] = HashToG2.Hash(messages[from + i], SignatureDstBytes);
        }

        var hashAffine = BatchToAffine(hashes);
        var pairs = new PairingInput[m + 1];
        int count = 0;
        for (int i = 0; i < m; i++)
        {
            if (!hashes[i].IsIdentity)
            {
                var key = publicKeys[from + i];
                pairs[count++] = new PairingInput(key.X, key.Y, hashAffine[i].X, hashAffine[i].Y);
            }
        }

        if (signature is not null)
        {
            AddSignaturePair(signature.Point, pairs, ref count);
        }

        return count == 0 ? Fp12.One : Pairing.MillerLoop(pairs.AsSpan(0, count));
    }

    private static G1Point SumKeys(IReadOnlyList<PublicKey> publicKeys)
    {
        var sum = G1Point.Identity;
        for (int i = 0; i < publicKeys.Count; i++)
        {
            sum = G1Point.Add(sum, publicKeys[i].Point);
        }

        return sum;
    }

    /// <summary>Affine coordinates of many points with one inversion (Montgomery's trick); identities give (0, 0).</summary>
    private static (T X, T Y)[] BatchToAffine<T>(ProjectivePoint<T>[] points)
        where T : unmanaged, IFieldElement<T>
    {
        int n = points.Length;
        var prefix = new T[n];
        T acc = T.One;
        for (int i = 0; i < n; i++)
        {
            prefix[i] = acc;
            if (!points[i].IsIdentity)
            {
                acc = T.Mul(acc, points[i].Z);
            }
        }

        T inv = T.InversePublic(acc);
        var result = new (T X, T Y)[n];
        for (int i = n - 1; i >= 0; i--)
        {
            if (points[i].IsIdentity)
            {
                continue;
            }

            T zi = T.Mul(inv, prefix[i]);
            inv = T.Mul(inv, points[i].Z);
            result[i] = (T.Mul(points[i].X, zi), T.Mul(points[i].Y, zi));
        }

        return result;
    }
}
