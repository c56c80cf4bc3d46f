namespace Marketplace.Grains.Tests.Execution;

/// <summary>Seeded mutations of module binaries: bit and byte flips, truncation, inserted and duplicated ranges,
/// overlong LEB128 sizes; the magic and version are mostly kept so cases reach the sections.</summary>
internal sealed class ModuleFuzzer(int seed, IReadOnlyList<byte[]> corpus)
{
    private readonly Random _random = new(seed);

    /// <summary>The next mutated module and the mutation applied (0-5).</summary>
    public (byte[] Wasm, int Mutation) Next()
    {
        var source = corpus[_random.Next(corpus.Count)];
        var mutation = _random.Next(6);
        return (Mutate(source, mutation), mutation);
    }

    private byte[] Mutate(byte[] source, int mutation)
    {
        var bytes = (byte[])source.Clone();
        var body = Math.Max(1, bytes.Length - 8);
        switch (mutation)
        {
            case 0:
                for (var n = 1 + _random.Next(4); n > 0; n--)
                {
                    var at = 8 + _random.Next(body);
                    if (at < bytes.Length)
                    {
                        bytes[at] ^= (byte)(1 << _random.Next(8));
                    }
                }

                return bytes;
            case 1:
                for (var n = 1 + _random.Next(8); n > 0; n--)
                {
                    var at = 8 + _random.Next(body);
                    if (at < bytes.Length)
                    {
                        bytes[at] = (byte)_random.Next(256);
                    }
                }

                return bytes;
            case 2:
                return bytes[.._random.Next(bytes.Length + 1)];
            case 3:
                {
                    var at = Math.Min(bytes.Length, 8 + _random.Next(body));
                    var insert = new byte[1 + _random.Next(16)];
                    _random.NextBytes(insert);
                    return [.. bytes[..at], .. insert, .. bytes[at..]];
                }

            case 4:
                {
                    var from = Math.Min(bytes.Length, 8 + _random.Next(body));
                    var length = Math.Min(bytes.Length - from, 1 + _random.Next(64));
                    var at = Math.Min(bytes.Length, 8 + _random.Next(body));
                    return [.. bytes[..at], .. bytes.AsSpan(from, length), .. bytes[at..]];
                }

            default:
                {
                    // A section size rewritten as a 5-byte LEB128 of a random (often huge) value.
                    var at = Math.Min(bytes.Length, 9 + _random.Next(body));
                    var value = (uint)_random.Next() << 1;
                    byte[] leb = [(byte)(value | 0x80), (byte)((value >> 7) | 0x80), (byte)((value >> 14) | 0x80), (byte)((value >> 21) | 0x80), (byte)(value >> 28)];
                    return [.. bytes[..at], .. leb, .. bytes[Math.Min(bytes.Length, at + 1)..]];
                }
        }
    }
}
