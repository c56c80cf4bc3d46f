using System.Diagnostics;
using Marketplace.Crypto.Ethereum;
using Xunit;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Marketplace.Crypto.Tests.Ethereum;

/// <summary>
/// Seeded fuzzing of every Ethereum decoder with random and mutated encodings: each input must either decode to a
/// value that re-encodes to the same bytes, or throw CryptoFormatException; any other exception fails the test.
/// Set MARKETPLACE_FUZZ_SEED to explore other seeds.
/// </summary>
public sealed class EthereumDecoderFuzzTests(ITestOutputHelper output)
{
    private const int DefaultSeed = 20_261_122;

    private static readonly byte[] N = Secp256k1Curve.N.ToByteArrayUnsigned();
    private static readonly byte[] P = Secp256k1Curve.P.ToByteArrayUnsigned();

    private int Seed()
    {
        var text = Environment.GetEnvironmentVariable("MARKETPLACE_FUZZ_SEED");
        var seed = int.TryParse(text, out var fromEnvironment) ? fromEnvironment : DefaultSeed;
        output.WriteLine($"seed {seed}");
        return seed;
    }

    [Fact]
    public void PublicKeyParse()
    {
        var random = new Random(Seed());
        var corpus = ValidKeys(random, 8).SelectMany(k => new[] { k.PublicKey.ToBytes(), k.PublicKey.ToBytes(compressed: true) }).ToList();
        var accepted = 0;
        for (var i = 0; i < 20_000; i++)
        {
            var input = i % 4 == 0 ? RandomBytes(random, [33, 65, random.Next(0, 70)]) : Mutate(random, corpus[random.Next(corpus.Count)]);
            var key = Decode(i, input, () => Secp256k1PublicKey.Parse(input));
            if (key is not null)
            {
                Assert.Equal(input, key.ToBytes(compressed: input.Length == 33));
                accepted++;
            }
        }

        output.WriteLine($"20000 inputs, {accepted} accepted");
    }

    [Fact]
    public void SignatureFromBytesAndComponents()
    {
        var random = new Random(Seed());
        var corpus = new List<byte[]>();
        foreach (var key in ValidKeys(random, 4))
        {
            var signature = key.Sign(RandomBytes(random, [32]));
            corpus.Add(signature.ToBytes());
            corpus.Add(signature.ToBytes(legacyV: true));
        }

        int strictAccepted = 0, normalizedOnly = 0;
        for (var i = 0; i < 30_000; i++)
        {
            var input = i % 4 == 0 ? RandomBytes(random, [65, random.Next(0, 70)]) : Mutate(random, corpus[random.Next(corpus.Count)]);
            var strict = Decode(i, input, () => EcdsaSignature.FromBytes(input));
            var normalized = Decode(i, input, () => EcdsaSignature.FromBytes(input, normalizeHighS: true));
            if (strict is not null)
            {
                Assert.Equal(input, strict.ToBytes(legacyV: input[64] >= 27));
                Assert.Equal(strict, normalized);
                strictAccepted++;
            }
            else if (normalized is not null)
            {
                // Only the high-s rule may separate the two modes.
                var error = Assert.Throws<CryptoFormatException>(() => EcdsaSignature.FromBytes(input));
                Assert.Contains("high-s", error.Message, StringComparison.Ordinal);
                Assert.Equal(input.AsSpan(0, 32).ToArray(), normalized.R.ToArray());
                normalizedOnly++;
            }

            if (input.Length >= 2)
            {
                var split = random.Next(input.Length);
                var v = random.Next(-2, 40);
                Decode(i, input, () => EcdsaSignature.FromComponents(input.AsSpan(0, split), input.AsSpan(split), v, random.Next(2) == 0));
            }
        }

        output.WriteLine($"30000 inputs, {strictAccepted} accepted strictly, {normalizedOnly} only after high-s normalization");
    }

    [Fact]
    public void PrivateKeyFromBytes()
    {
        var random = new Random(Seed());
        var corpus = new List<byte[]> { N, P, new byte[32], Enumerable.Repeat((byte)0xFF, 32).ToArray() };
        corpus.AddRange(ValidKeys(random, 4).Select(k => Keccak256.Hash(k.ToBytes())));
        var accepted = 0;
        for (var i = 0; i < 20_000; i++)
        {
            var input = i % 4 == 0 ? RandomBytes(random, [32, random.Next(0, 40)]) : Mutate(random, corpus[random.Next(corpus.Count)]);
            var key = Decode(i, input, () => Secp256k1PrivateKey.FromBytes(input));
            if (key is not null)
            {
                Assert.Equal(input, key.ToBytes());
                accepted++;
            }
        }

        output.WriteLine($"20000 inputs, {accepted} accepted");
    }

    [Fact]
    public void RecoverAndVerifyOnMutatedSignaturesAndHashes()
    {
        var random = new Random(Seed());
        var keys = ValidKeys(random, 4);
        var recovered = 0;
        var stopwatch = Stopwatch.StartNew();
        for (var i = 0; i < 1_500; i++)
        {
            var key = keys[random.Next(keys.Count)];
            var hash = RandomBytes(random, [32]);
            var encoded = key.Sign(hash).ToBytes();
            var mutatedHash = random.Next(3) == 0 ? Mutate(random, hash) : hash;
            var mutatedSignature = random.Next(3) == 0 ? encoded : Mutate(random, encoded);
            var signature = Decode(i, mutatedSignature, () => EcdsaSignature.FromBytes(mutatedSignature, normalizeHighS: true));
            if (signature is null)
            {
                continue;
            }

            var verified = Decode(i, mutatedHash, () => key.PublicKey.Verify(mutatedHash, signature) ? "yes" : "no");
            var publicKey = Decode(i, mutatedHash, () => Secp256k1PublicKey.Recover(mutatedHash, signature));
            if (publicKey is not null)
            {
                Assert.True(publicKey.Verify(mutatedHash, signature));
                if (publicKey.Equals(key.PublicKey))
                {
                    // The other recovery id recovers a different key that also verifies, so only this direction holds.
                    Assert.Equal("yes", verified);
                }
                recovered++;
            }
        }

        output.WriteLine($"1500 inputs, {recovered} recovered, {stopwatch.ElapsedMilliseconds} ms");
    }

    [Fact]
    public void AddressParseAndFromBytes()
    {
        var random = new Random(Seed());
        var corpus = new List<string>();
        for (var i = 0; i < 8; i++)
        {
            var address = Address.FromBytes(RandomBytes(random, [20]));
            corpus.Add(address.ToChecksumString());
            corpus.Add(address.ToChecksumString().ToLowerInvariant());
        }

        const string alphabet = "0123456789abcdefABCDEFxXgG -\u00e9\u0000\u0660\uff10";
        var accepted = 0;
        for (var i = 0; i < 20_000; i++)
        {
            string text;
            if (i % 5 == 0)
            {
                var chars = new char[random.Next(0, 45)];
                for (var j = 0; j < chars.Length; j++)
                {
                    chars[j] = alphabet[random.Next(alphabet.Length)];
                }

                text = new string(chars);
            }
            else
            {
                var chars = corpus[random.Next(corpus.Count)].ToList();
                var edits = random.Next(1, 3);
                for (var e = 0; e < edits; e++)
                {
                    var at = random.Next(chars.Count);
                    switch (random.Next(4))
                    {
                        case 0:
                            chars[at] = char.IsUpper(chars[at]) ? char.ToLowerInvariant(chars[at]) : char.ToUpperInvariant(chars[at]);
                            break;
                        case 1:
                            chars[at] = alphabet[random.Next(alphabet.Length)];
                            break;
                        case 2:
                            chars.RemoveAt(at);
                            break;
                        default:
                            chars.Insert(at, alphabet[random.Next(alphabet.Length)]);
                            break;
                    }
                }

                text = new string([.. chars]);
            }

            var input = System.Text.Encoding.UTF8.GetBytes(text);
            var parsed = Decode(i, input, () => (object)Address.Parse(text));
            if (parsed is Address address)
            {
                var checksum = address.ToChecksumString();
                Assert.Equal(checksum.ToLowerInvariant(), text.ToLowerInvariant());
                var body = text[2..];
                if (body.Any(char.IsUpper) && body.Any(char.IsLower))
                {
                    Assert.Equal(checksum, text);
                }

                accepted++;
            }

            var raw = RandomBytes(random, [20, random.Next(0, 25)]);
            var fromBytes = Decode(i, raw, () => (object)Address.FromBytes(raw));
            if (fromBytes is Address exact)
            {
                Assert.Equal(raw, exact.ToBytes());
            }
        }

        output.WriteLine($"20000 inputs, {accepted} accepted");
    }

    private static T? Decode<T>(int iteration, byte[] input, Func<T> decode)
        where T : class
    {
        try
        {
            return decode();
        }
        catch (CryptoFormatException error)
        {
            Assert.False(string.IsNullOrWhiteSpace(error.Message));
            return null;
        }
        catch (Exception error)
        {
            throw new XunitException(
                $"iteration {iteration}: input {Convert.ToHexStringLower(input)} threw {error.GetType().Name} instead of CryptoFormatException: {error}");
        }
    }

    private static List<Secp256k1PrivateKey> ValidKeys(Random random, int count)
    {
        var keys = new List<Secp256k1PrivateKey>();
        while (keys.Count < count)
        {
            var bytes = RandomBytes(random, [32]);
            bytes[0] &= 0x7F;
            bytes[31] |= 1;
            keys.Add(Secp256k1PrivateKey.FromBytes(bytes));
        }

        return keys;
    }

    private static byte[] RandomBytes(Random random, int[] lengths)
    {
        var bytes = new byte[lengths[random.Next(lengths.Length)]];
        random.NextBytes(bytes);
        return bytes;
    }

    /// <summary>One to three edits: bit flips, byte sets, truncation, extension, 0x00/0xFF runs, n or p spliced in.</summary>
    private static byte[] Mutate(Random random, byte[] original)
    {
        var bytes = original.ToList();
        var edits = random.Next(1, 4);
        for (var e = 0; e < edits; e++)
        {
            var at = bytes.Count == 0 ? 0 : random.Next(bytes.Count);
            switch (random.Next(8))
            {
                case 0 when bytes.Count > 0:
                    bytes[at] ^= (byte)(1 << random.Next(8));
                    break;
                case 1 when bytes.Count > 0:
                    bytes[at] = (byte)random.Next(256);
                    break;
                case 2 when bytes.Count > 0:
                    bytes.RemoveAt(at);
                    break;
                case 3:
                    bytes.Insert(at, (byte)random.Next(256));
                    break;
                case 4 when bytes.Count > 0:
                    bytes[0] = (byte)random.Next(0, 40);
                    break;
                case 5:
                    for (int j = at, end = Math.Min(bytes.Count, at + random.Next(1, 33)); j < end; j++)
                    {
                        bytes[j] = random.Next(2) == 0 ? (byte)0 : (byte)0xFF;
                    }

                    break;
                case 6:
                    var constant = random.Next(2) == 0 ? N : P;
                    for (var j = 0; j < constant.Length && at + j < bytes.Count; j++)
                    {
                        bytes[at + j] = constant[j];
                    }

                    if (random.Next(2) == 0 && at + 31 < bytes.Count)
                    {
                        bytes[at + 31] += (byte)random.Next(-2, 3);
                    }

                    break;
                default:
                    if (bytes.Count > 0)
                    {
                        bytes[^1] = (byte)random.Next(0, 40);
                    }

                    break;
            }
        }

        return [.. bytes];
    }
}
