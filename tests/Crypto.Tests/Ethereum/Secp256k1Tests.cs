using System.Security.Cryptography;
using Marketplace.Crypto.Ethereum;
using Xunit;
using Xunit.Abstractions;
using BcBigInteger = Org.BouncyCastle.Math.BigInteger;

namespace Marketplace.Crypto.Tests.Ethereum;

public sealed class Secp256k1Tests(ITestOutputHelper output)
{
    private static readonly byte[] N = Secp256k1Curve.N.ToByteArrayUnsigned();

    [Fact]
    public void SignRecoverVerifyRoundTripOnRandomKeysAndHashes()
    {
        const int seed = 256_001;
        output.WriteLine($"seed {seed}");
        var random = new Random(seed);
        for (var i = 0; i < 60; i++)
        {
            var key = RandomKey(random);
            var hash = new byte[32];
            random.NextBytes(hash);

            var signature = key.Sign(hash);
            Assert.True(IsLowS(signature), $"case {i}: s is above n/2");
            Assert.InRange(signature.RecoveryId, 0, 1);

            var recovered = Secp256k1PublicKey.Recover(hash, signature);
            Assert.Equal(key.PublicKey, recovered);
            Assert.Equal(Address.FromPublicKey(key.PublicKey), Address.FromPublicKey(recovered));
            Assert.True(key.PublicKey.Verify(hash, signature));

            var otherHash = (byte[])hash.Clone();
            otherHash[random.Next(32)] ^= (byte)(1 << random.Next(8));
            Assert.False(key.PublicKey.Verify(otherHash, signature));
            Assert.NotEqual(key.PublicKey, Secp256k1PublicKey.Recover(otherHash, signature));
            Assert.False(RandomKey(random).PublicKey.Verify(hash, signature));

            var wrongId = EcdsaSignature.FromComponents(signature.R, signature.S, signature.RecoveryId ^ 1);
            Assert.NotEqual(key.PublicKey, Secp256k1PublicKey.Recover(hash, wrongId));
        }
    }

    [Fact]
    public void SigningIsDeterministicPerKeyAndHash()
    {
        var key = Secp256k1PrivateKey.FromBytes(Enumerable.Repeat((byte)0x46, 32).ToArray());
        var hash = Keccak256.Hash("deterministic"u8);
        var first = key.Sign(hash);
        Assert.Equal(first.ToBytes(), key.Sign(hash).ToBytes());
        Assert.Equal(first.ToBytes(), Secp256k1PrivateKey.FromBytes(key.ToBytes()).Sign(hash).ToBytes());

        var other = key.Sign(Keccak256.Hash("deterministic!"u8));
        Assert.False(first.R.SequenceEqual(other.R));
    }

    [Fact]
    public void HashesAreReducedModuloNLikeSec1AndRfc6979()
    {
        var key = Secp256k1PrivateKey.FromBytes(Enumerable.Repeat((byte)0x46, 32).ToArray());
        var zero = new byte[32];
        var nPlusOne = Secp256k1Curve.N.Add(BcBigInteger.One).ToByteArrayUnsigned();
        var one = new byte[32];
        one[31] = 1;
        Assert.Equal(key.Sign(zero), key.Sign(N));
        Assert.Equal(key.FirstNonce(zero), key.FirstNonce(N));
        Assert.Equal(key.Sign(one), key.Sign(nPlusOne));
        Assert.NotEqual(key.Sign(zero), key.Sign(one));
        Assert.Equal(key.PublicKey, Secp256k1PublicKey.Recover(N, key.Sign(N)));
    }

    [Fact]
    public void HighSTwinIsRejectedOrNormalizedBackToTheSameSignature()
    {
        var key = Secp256k1PrivateKey.FromBytes(Keccak256.Hash("high-s"u8));
        var hash = Keccak256.Hash("message"u8);
        var signature = key.Sign(hash);
        var highS = Secp256k1Curve.N.Subtract(new BcBigInteger(1, signature.S.ToArray())).ToByteArrayUnsigned();

        var error = Assert.Throws<CryptoFormatException>(() =>
            EcdsaSignature.FromComponents(signature.R, highS, signature.RecoveryId ^ 1));
        Assert.Contains("low-s", error.Message, StringComparison.Ordinal);

        var normalized = EcdsaSignature.FromComponents(signature.R, highS, signature.RecoveryId ^ 1, normalizeHighS: true);
        Assert.Equal(signature, normalized);
        Assert.Equal(key.PublicKey, Secp256k1PublicKey.Recover(hash, normalized));
    }

    [Fact]
    public void SignaturesFromAnIndependentImplementationVerifyAndRecover()
    {
        // .NET's ECDsa (OpenSSL) signs with random nonces and does not normalize s: a real outside oracle.
        using var ecdsa = ECDsa.Create(ECCurve.CreateFromFriendlyName("secP256k1"));
        var parameters = ecdsa.ExportParameters(includePrivateParameters: true);
        var ours = Secp256k1PrivateKey.FromBytes(parameters.D!);
        Assert.Equal([0x04, .. parameters.Q.X!, .. parameters.Q.Y!], ours.PublicKey.ToBytes());

        for (var i = 0; i < 20; i++)
        {
            var hash = Keccak256.Hash(BitConverter.GetBytes(i));
            var foreign = ecdsa.SignHash(hash); // r || s, 64 bytes
            var signature = EcdsaSignature.FromComponents(foreign.AsSpan(0, 32), foreign.AsSpan(32), 0, normalizeHighS: true);
            Assert.True(ours.PublicKey.Verify(hash, signature), $"case {i}");
            var recovered = new[] { 0, 1 }
                .Select(id => Secp256k1PublicKey.Recover(hash, EcdsaSignature.FromComponents(signature.R, signature.S, id)))
                .ToArray();
            Assert.Contains(ours.PublicKey, recovered);

            var own = ours.Sign(hash);
            byte[] p1363 = [.. own.R, .. own.S];
            Assert.True(ecdsa.VerifyHash(hash, p1363), $"case {i}: OpenSSL rejects our signature");
        }
    }

    [Fact]
    public void ConcurrentSigningAndRecoveryAgreeWithSequentialResults()
    {
        var keys = Enumerable.Range(0, 4).Select(i => Secp256k1PrivateKey.FromBytes(Keccak256.Hash(BitConverter.GetBytes(i)))).ToArray();
        var hashes = Enumerable.Range(0, 40).Select(i => Keccak256.Hash(BitConverter.GetBytes(1000 + i))).ToArray();
        var expected = hashes.Select((h, i) => keys[i % keys.Length].Sign(h)).ToArray();
        var results = new EcdsaSignature[hashes.Length];
        var recovered = new Secp256k1PublicKey[hashes.Length];
        Parallel.For(0, hashes.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
        {
            results[i] = keys[i % keys.Length].Sign(hashes[i]);
            recovered[i] = Secp256k1PublicKey.Recover(hashes[i], results[i]);
        });
        Assert.Equal(expected, results);
        Assert.Equal(hashes.Select((_, i) => keys[i % keys.Length].PublicKey), recovered);
    }

    [Fact]
    public void GeneratedKeysAreDistinctAndUsable()
    {
        var a = Secp256k1PrivateKey.Generate();
        var b = Secp256k1PrivateKey.Generate();
        Assert.NotEqual(a.ToBytes(), b.ToBytes());
        var hash = Keccak256.Hash("generated"u8);
        Assert.Equal(a.PublicKey, Secp256k1PublicKey.Recover(hash, a.Sign(hash)));
        Assert.Equal(a.ToBytes(), Secp256k1PrivateKey.FromBytes(a.ToBytes()).ToBytes());
        Assert.DoesNotContain(Convert.ToHexStringLower(a.ToBytes()), a.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void PrivateKeyRangeIsOneToNMinusOne()
    {
        Assert.Contains("zero", Assert.Throws<CryptoFormatException>(() => Secp256k1PrivateKey.FromBytes(new byte[32])).Message, StringComparison.Ordinal);
        Assert.Contains("order", Assert.Throws<CryptoFormatException>(() => Secp256k1PrivateKey.FromBytes(N)).Message, StringComparison.Ordinal);
        Assert.Throws<CryptoFormatException>(() => Secp256k1PrivateKey.FromBytes(Enumerable.Repeat((byte)0xFF, 32).ToArray()));
        Assert.Contains("31", Assert.Throws<CryptoFormatException>(() => Secp256k1PrivateKey.FromBytes(new byte[31])).Message, StringComparison.Ordinal);
        Assert.Throws<CryptoFormatException>(() => Secp256k1PrivateKey.FromBytes(new byte[33]));

        var nMinusOne = Secp256k1Curve.N.Subtract(BcBigInteger.One).ToByteArrayUnsigned();
        var last = Secp256k1PrivateKey.FromBytes(nMinusOne);
        var one = new byte[32];
        one[31] = 1;
        var first = Secp256k1PrivateKey.FromBytes(one);
        // (n-1)·G = -G: same x, opposite y.
        Assert.Equal(first.PublicKey.ToBytes()[1..33], last.PublicKey.ToBytes()[1..33]);
        Assert.NotEqual(first.PublicKey, last.PublicKey);
    }

    [Fact]
    public void HashesMustBe32Bytes()
    {
        var key = Secp256k1PrivateKey.FromBytes(Keccak256.Hash("k"u8));
        var signature = key.Sign(new byte[32]);
        Assert.Contains("32", Assert.Throws<CryptoFormatException>(() => key.Sign(new byte[31])).Message, StringComparison.Ordinal);
        Assert.Throws<CryptoFormatException>(() => key.Sign(new byte[33]));
        Assert.Throws<CryptoFormatException>(() => key.PublicKey.Verify(new byte[20], signature));
        Assert.Throws<CryptoFormatException>(() => Secp256k1PublicKey.Recover([], signature));
    }

    [Fact]
    public void SignatureEncodingAcceptsV0127And28Only()
    {
        var key = Secp256k1PrivateKey.FromBytes(Keccak256.Hash("v"u8));
        var signature = key.Sign(Keccak256.Hash("msg"u8));
        var bytes = signature.ToBytes();
        Assert.Equal(signature.RecoveryId, bytes[64]);
        Assert.Equal(27 + signature.RecoveryId, signature.ToBytes(legacyV: true)[64]);
        Assert.Equal(signature, EcdsaSignature.FromBytes(signature.ToBytes(legacyV: true)));

        foreach (var v in new[] { 2, 3, 26, 29, 35, 37, 38, 255 })
        {
            bytes[64] = (byte)v;
            var error = Assert.Throws<CryptoFormatException>(() => EcdsaSignature.FromBytes(bytes));
            Assert.Contains("v", error.Message, StringComparison.Ordinal);
        }

        Assert.Throws<CryptoFormatException>(() => EcdsaSignature.FromComponents(signature.R, signature.S, -1));
        Assert.Throws<CryptoFormatException>(() => EcdsaSignature.FromBytes(bytes.AsSpan(0, 64)));
        Assert.Throws<CryptoFormatException>(() => EcdsaSignature.FromBytes([.. signature.ToBytes(), 0]));
    }

    [Fact]
    public void SignatureComponentsOutOfRangeAreRejected()
    {
        var one = new byte[] { 1 };
        Assert.Contains("zero", Assert.Throws<CryptoFormatException>(() => EcdsaSignature.FromComponents(new byte[32], one, 0)).Message, StringComparison.Ordinal);
        Assert.Contains("zero", Assert.Throws<CryptoFormatException>(() => EcdsaSignature.FromComponents(one, [], 0)).Message, StringComparison.Ordinal);
        Assert.Contains("order", Assert.Throws<CryptoFormatException>(() => EcdsaSignature.FromComponents(N, one, 0)).Message, StringComparison.Ordinal);
        Assert.Throws<CryptoFormatException>(() => EcdsaSignature.FromComponents(one, N, 0, normalizeHighS: true));
        Assert.Contains("33", Assert.Throws<CryptoFormatException>(() => EcdsaSignature.FromComponents(new byte[33], one, 0)).Message, StringComparison.Ordinal);

        // Short big-endian components are left-padded.
        var padded = EcdsaSignature.FromComponents([0x01, 0x02], [0x03], 1);
        Assert.Equal(0x0102, (padded.R[30] << 8) | padded.R[31]);
        Assert.Equal(3, padded.S[31]);
        Assert.Equal(1, padded.RecoveryId);
    }

    [Fact]
    public void PublicKeyEncodingsRoundTripAndRejectBadPrefixesAndOffCurvePoints()
    {
        var key = Secp256k1PrivateKey.FromBytes(Keccak256.Hash("pk"u8)).PublicKey;
        var uncompressed = key.ToBytes();
        var compressed = key.ToBytes(compressed: true);
        Assert.Equal(key, Secp256k1PublicKey.Parse(uncompressed));
        Assert.Equal(key, Secp256k1PublicKey.Parse(compressed));
        Assert.Equal(compressed, Secp256k1PublicKey.Parse(compressed).ToBytes(compressed: true));

        var flipped = (byte[])compressed.Clone();
        flipped[0] ^= 1;
        Assert.NotEqual(key, Secp256k1PublicKey.Parse(flipped));

        foreach (var prefix in new byte[] { 0x00, 0x01, 0x04, 0x05, 0x06, 0x07 })
        {
            var bad = (byte[])compressed.Clone();
            bad[0] = prefix;
            Assert.Contains("0x02 or 0x03", Assert.Throws<CryptoFormatException>(() => Secp256k1PublicKey.Parse(bad)).Message, StringComparison.Ordinal);
        }

        foreach (var prefix in new byte[] { 0x00, 0x02, 0x03, 0x06, 0x07 })
        {
            var bad = (byte[])uncompressed.Clone();
            bad[0] = prefix;
            Assert.Contains("0x04", Assert.Throws<CryptoFormatException>(() => Secp256k1PublicKey.Parse(bad)).Message, StringComparison.Ordinal);
        }

        var offCurve = (byte[])uncompressed.Clone();
        offCurve[64] ^= 1;
        Assert.Contains("not on the curve", Assert.Throws<CryptoFormatException>(() => Secp256k1PublicKey.Parse(offCurve)).Message, StringComparison.Ordinal);

        // x = 5: 5^3 + 7 = 132 is not a square mod p, so no point has this x.
        var noRoot = new byte[33];
        noRoot[0] = 0x02;
        noRoot[32] = 5;
        Assert.Contains("not on the curve", Assert.Throws<CryptoFormatException>(() => Secp256k1PublicKey.Parse(noRoot)).Message, StringComparison.Ordinal);

        // x >= p (all 0xFF) is not a canonical field element.
        var big = new byte[33];
        big[0] = 0x02;
        big.AsSpan(1).Fill(0xFF);
        Assert.Contains("canonical", Assert.Throws<CryptoFormatException>(() => Secp256k1PublicKey.Parse(big)).Message, StringComparison.Ordinal);

        // y + p still fits in 32 bytes for small y? Use x || (y + p) when y < 2^256 - p.
        var p = Secp256k1Curve.P;
        var y = new BcBigInteger(1, uncompressed.AsSpan(33).ToArray());
        var yPlusP = y.Add(p);
        if (yPlusP.BitLength <= 256)
        {
            var alias = (byte[])uncompressed.Clone();
            Secp256k1Curve.WriteScalar(yPlusP, alias.AsSpan(33));
            Assert.Contains("canonical", Assert.Throws<CryptoFormatException>(() => Secp256k1PublicKey.Parse(alias)).Message, StringComparison.Ordinal);
        }

        foreach (var length in new[] { 0, 1, 32, 34, 64, 66 })
        {
            Assert.Contains("bytes", Assert.Throws<CryptoFormatException>(() => Secp256k1PublicKey.Parse(new byte[length])).Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void RecoveryFailsCleanlyWhenRIsNotAnXCoordinate()
    {
        // r = 5 has no curve point (see above), so neither recovery id can succeed.
        var signature = EcdsaSignature.FromComponents([5], [1], 0);
        var error = Assert.Throws<CryptoFormatException>(() => Secp256k1PublicKey.Recover(new byte[32], signature));
        Assert.Contains("x-coordinate", error.Message, StringComparison.Ordinal);
    }

    private static Secp256k1PrivateKey RandomKey(Random random)
    {
        var bytes = new byte[32];
        random.NextBytes(bytes);
        bytes[0] &= 0x7F; // below n
        bytes[31] |= 1; // not zero
        return Secp256k1PrivateKey.FromBytes(bytes);
    }

    private static bool IsLowS(EcdsaSignature signature) =>
        new BcBigInteger(1, signature.S.ToArray()).CompareTo(Secp256k1Curve.HalfN) <= 0;
}
