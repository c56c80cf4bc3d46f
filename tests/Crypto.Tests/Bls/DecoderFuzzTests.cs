using Marketplace.Crypto.Bls;
using Xunit;
using Xunit.Abstractions;

namespace Marketplace.Crypto.Tests.Bls;

/// <summary>
/// Seeded fuzzing of every decoder with random and mutated encodings: the only exception allowed is
/// CryptoFormatException, and whatever decodes must re-encode to exactly the input (canonical encodings).
/// </summary>
public sealed class DecoderFuzzTests(ITestOutputHelper output)
{
    private const int Seed = 4242;

    [Fact]
    public void DecodersOnlyThrowFormatErrorsAndAcceptOnlyCanonicalEncodings()
    {
        output.WriteLine($"seed {Seed}");
        var rng = new Random(Seed);
        using var key = Marketplace.Crypto.Bls.Bls.KeyGen(new byte[32]);
        byte[] validPk = key.PublicKey().ToBytes();
        byte[] validSig = Marketplace.Crypto.Bls.Bls.Sign(key, [1, 2, 3]).ToBytes();
        byte[] validSk = key.ToBytes();
        int accepted = 0, rejected = 0;
        for (int i = 0; i < 3000; i++)
        {
            int kind = i % 3;
            byte[] seedBytes = kind switch { 0 => validPk, 1 => validSig, _ => validSk };
            byte[] input = Mutate(rng, seedBytes);
            try
            {
                byte[] reencoded = kind switch
                {
                    0 => PublicKey.FromBytes(input).ToBytes(),
                    1 => Signature.FromBytes(input).ToBytes(),
                    _ => SecretKey.FromBytes(input).ToBytes(),
                };
                Assert.Equal(input, reencoded);
                if (kind != 2)
                {
                    Assert.Equal(input, kind == 0 ? ReencodePublicKey(input) : ReencodeSignature(input));
                }

                accepted++;
            }
            catch (CryptoFormatException ex)
            {
                Assert.False(string.IsNullOrWhiteSpace(ex.Message));
                rejected++;
            }
        }

        output.WriteLine($"fuzz: {accepted} accepted, {rejected} rejected with CryptoFormatException");
        Assert.True(accepted > 0 && rejected > 0);
    }

    private static byte[] ReencodePublicKey(byte[] input)
    {
        PublicKey.TryFromBytes(input, out var pk);
        var bytes = new byte[48];
        G1.Compress(pk!.Point, bytes);
        return bytes;
    }

    private static byte[] ReencodeSignature(byte[] input)
    {
        Signature.TryFromBytes(input, out var sig);
        var bytes = new byte[96];
        G2.Compress(sig!.Point, bytes);
        return bytes;
    }

    private static byte[] Mutate(Random rng, byte[] valid)
    {
        switch (rng.Next(7))
        {
            case 0: // fully random, random length
                {
                    var b = new byte[rng.Next(0, 100)];
                    rng.NextBytes(b);
                    return b;
                }

            case 1: // random body with the right length and the compression flag
                {
                    var b = new byte[valid.Length];
                    rng.NextBytes(b);
                    b[0] = (byte)((b[0] & 0x3f) | 0x80);
                    return b;
                }

            case 2: // flip one bit
                {
                    var b = (byte[])valid.Clone();
                    b[rng.Next(b.Length)] ^= (byte)(1 << rng.Next(8));
                    return b;
                }

            case 3: // change the flag bits only
                {
                    var b = (byte[])valid.Clone();
                    b[0] = (byte)((b[0] & 0x1f) | (rng.Next(8) << 5));
                    return b;
                }

            case 4: // truncate or extend
                {
                    int len = Math.Max(0, valid.Length + rng.Next(-3, 4));
                    var b = new byte[len];
                    Array.Copy(valid, b, Math.Min(len, valid.Length));
                    return b;
                }

            case 5: // coordinate at or above p, or all-ones
                {
                    var b = new byte[valid.Length];
                    Array.Fill(b, (byte)0xff);
                    if (valid.Length >= 48 && rng.Next(2) == 0)
                    {
                        Convert.FromHexString("1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffaaab")
                            .CopyTo(b, valid.Length >= 96 ? 48 * rng.Next(2) : 0);
                    }

                    b[0] = (byte)((b[0] & 0x1f) | 0x80);
                    return b;
                }

            default: // valid as is
                return (byte[])valid.Clone();
        }
    }
}
