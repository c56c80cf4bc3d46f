using System.Text;
using Marketplace.Crypto.Bls;
using Xunit;
using BlsScheme = Marketplace.Crypto.Bls.Bls;

namespace Marketplace.Crypto.Tests.Bls;

/// <summary>Behaviour of the public API: keys, signing, aggregation, proofs of possession, batch verification.</summary>
public abstract class SignatureSchemeSuite
{
    private static readonly SecretKey[] Keys = Enumerable.Range(1, 4).Select(i => BlsScheme.KeyGen(Ikm(i))).ToArray();

    [Fact]
    public void SignAndVerifyRoundTrip()
    {
        byte[] msg = Encoding.UTF8.GetBytes("receipt #1");
        var pk = BlsScheme.SkToPk(Keys[0]);
        var sig = BlsScheme.Sign(Keys[0], msg);
        Assert.True(BlsScheme.Verify(pk, msg, sig));
        Assert.False(BlsScheme.Verify(pk, Encoding.UTF8.GetBytes("receipt #2"), sig));
        Assert.False(BlsScheme.Verify(BlsScheme.SkToPk(Keys[1]), msg, sig));
        Assert.True(BlsScheme.Verify(pk.ToBytes(), msg, sig.ToBytes()));
        Assert.Equal(sig, Signature.FromBytes(sig.ToBytes()));
        Assert.Equal(pk, PublicKey.FromBytes(pk.ToBytes()));
        using var again = SecretKey.FromBytes(Keys[0].ToBytes());
        Assert.Equal(pk, again.PublicKey());
    }

    [Fact]
    public void IdentitySignatureAndKeyNeverVerify()
    {
        byte[] msg = [1, 2, 3];
        byte[] identityKey = new byte[48];
        identityKey[0] = 0xc0;
        byte[] identitySig = new byte[96];
        identitySig[0] = 0xc0;
        Assert.Throws<CryptoFormatException>(() => PublicKey.FromBytes(identityKey));
        var sig = Signature.FromBytes(identitySig);
        Assert.False(BlsScheme.Verify(BlsScheme.SkToPk(Keys[0]), msg, sig));
        Assert.False(BlsScheme.Verify(identityKey, msg, identitySig));
    }

    [Fact]
    public void AggregateAndFastAggregateVerify()
    {
        byte[] msg = Encoding.UTF8.GetBytes("committee decision");
        var pks = Keys.Select(BlsScheme.SkToPk).ToList();
        var agg = BlsScheme.Aggregate(Keys.Select(k => BlsScheme.Sign(k, msg)).ToList());
        Assert.True(BlsScheme.FastAggregateVerify(pks, msg, agg));
        Assert.False(BlsScheme.FastAggregateVerify(pks.Take(3).ToList(), msg, agg));
        Assert.False(BlsScheme.FastAggregateVerify([], msg, agg));
        Assert.True(BlsScheme.Verify(BlsScheme.AggregatePublicKeys(pks), msg, agg));
        Assert.Throws<ArgumentException>(() => BlsScheme.Aggregate([]));
    }

    [Fact]
    public void AggregateVerifyWithDistinctAndRepeatedMessages()
    {
        var msgs = Enumerable.Range(0, Keys.Length).Select(i => Encoding.UTF8.GetBytes($"m{i % 3}")).ToList();
        var pks = Keys.Select(BlsScheme.SkToPk).ToList();
        var agg = BlsScheme.Aggregate(Keys.Select((k, i) => BlsScheme.Sign(k, msgs[i])).ToList());
        Assert.True(BlsScheme.AggregateVerify(pks, msgs, agg));
        var swapped = new List<byte[]>(msgs);
        (swapped[0], swapped[1]) = (swapped[1], swapped[0]);
        Assert.False(BlsScheme.AggregateVerify(pks, swapped, agg));
        Assert.False(BlsScheme.AggregateVerify([], [], agg));
        Assert.False(BlsScheme.AggregateVerify(pks, msgs.Take(2).ToList(), agg));
    }

    [Fact]
    public void ProofOfPossessionIsDomainSeparated()
    {
        var pk = BlsScheme.SkToPk(Keys[2]);
        var proof = BlsScheme.PopProve(Keys[2]);
        Assert.True(BlsScheme.PopVerify(pk, proof));
        Assert.False(BlsScheme.PopVerify(BlsScheme.SkToPk(Keys[3]), proof));
        // A plain signature on the key bytes (signature DST) is not a proof of possession, and vice versa.
        var plain = BlsScheme.Sign(Keys[2], pk.ToBytes());
        Assert.False(BlsScheme.PopVerify(pk, plain));
        Assert.False(BlsScheme.Verify(pk, pk.ToBytes(), proof));
    }

    [Fact]
    public void BatchVerifyAcceptsValidSetsAndRejectsAnyBadTriple()
    {
        var items = Keys.Select((k, i) => (BlsScheme.SkToPk(k), new[] { (byte)i }, BlsScheme.Sign(k, new[] { (byte)i }))).ToList();
        Assert.True(BlsScheme.BatchVerify(items));
        var bad = new List<(PublicKey, byte[], Signature)>(items);
        bad[2] = (bad[2].Item1, new byte[] { 99 }, bad[2].Item3);
        Assert.False(BlsScheme.BatchVerify(bad));
        // Two invalid triples whose errors cancel in a plain sum must still fail with random coefficients.
        var swapped = new List<(PublicKey, byte[], Signature)>(items);
        swapped[0] = (items[0].Item1, items[0].Item2, items[1].Item3);
        swapped[1] = (items[1].Item1, items[1].Item2, items[0].Item3);
        Assert.False(BlsScheme.BatchVerify(swapped));
        Assert.False(BlsScheme.BatchVerify([]));
    }

    [Fact]
    public void SecretKeyRulesAreEnforced()
    {
        Assert.Throws<CryptoFormatException>(() => SecretKey.FromBytes(new byte[32]));
        Assert.Throws<CryptoFormatException>(() => SecretKey.FromBytes(new byte[31]));
        byte[] order = Convert.FromHexString("73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001");
        Assert.Throws<CryptoFormatException>(() => SecretKey.FromBytes(order));
        order[^1] = 0;
        using var largest = SecretKey.FromBytes(order); // r - 1
        Assert.Equal(order, largest.ToBytes());
        Assert.Throws<ArgumentException>(() => BlsScheme.KeyGen(new byte[31]));
        Assert.NotEqual(BlsScheme.SkToPk(BlsScheme.KeyGen(Ikm(9))), BlsScheme.SkToPk(BlsScheme.KeyGen(Ikm(9), "other"u8)));
    }

    private static byte[] Ikm(int i)
    {
        var b = new byte[32];
        b[0] = (byte)i;
        b[31] = 0x5a;
        return b;
    }
}

/// <summary>The suite on the field code this machine uses (the generated kernels where available).</summary>
public sealed class SignatureSchemeTests : SignatureSchemeSuite;

/// <summary>The suite again on the managed field code (the fallback where the kernels are unavailable).</summary>
[Collection(FieldBackendCollection.Name)]
public sealed class SignatureSchemeTestsOnManagedCode : SignatureSchemeSuite, IDisposable
{
    private readonly ManagedScope _scope = new();

    public void Dispose() => _scope.Dispose();
}
