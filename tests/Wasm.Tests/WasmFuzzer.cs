namespace Marketplace.Wasm.Tests;

/// <summary>Mutates module binaries (byte flips, truncation, section shuffles, overlong LEB128) and runs them.</summary>
public sealed class WasmFuzzer
{
    private readonly Random random;
    private readonly byte[][] corpus;

    public WasmFuzzer(int seed, byte[][] corpus)
    {
        random = new Random(seed);
        this.corpus = corpus;
    }

    public sealed class Stats
    {
        public int Cases;
        public int Rejected;
        public int LinkErrors;
        public int Instantiated;
        public int Calls;
        public int Traps;
        public int OutOfFuel;
        public List<string> Failures { get; } = new();
    }

    public Stats Run(int cases)
    {
        var stats = new Stats();
        Engine? engine = null;
        for (var i = 0; i < cases; i++)
        {
            if (i % 250 == 0)
            {
                // A fresh engine now and then lets the compiled code of earlier cases be collected.
                engine = new Engine(new Config().WithFuelConsumption(true).WithMaxMemoryPages(64).WithMaxTableElements(10_000).WithMaxCallDepth(2000));
            }

            var source = corpus[random.Next(corpus.Length)];
            var mutation = random.Next(7);
            var bytes = Mutate(source, mutation);
            stats.Cases++;
            try
            {
                RunOne(engine!, bytes, stats);
            }
            catch (Exception e) when (e is not WasmException)
            {
                stats.Failures.Add($"case {i} (mutation {mutation}, {bytes.Length} bytes): {e.GetType().Name}: {e.Message}\n{e.StackTrace}");
            }
        }

        return stats;
    }

    private static void RunOne(Engine engine, byte[] bytes, Stats stats)
    {
        Module module;
        try
        {
            module = Module.FromBytes(engine, bytes);
        }
        catch (WasmValidationException)
        {
            stats.Rejected++;
            return;
        }

        var store = new Store(engine);
        store.SetFuel(200_000);
        var linker = new Linker(engine);
        SpectestModule.Define(linker);
        Instance instance;
        try
        {
            instance = linker.Instantiate(store, module);
        }
        catch (WasmLinkException)
        {
            stats.LinkErrors++;
            return;
        }
        catch (WasmTrap t)
        {
            Count(t, stats);
            return;
        }

        stats.Instantiated++;
        foreach (var name in instance.ExportNames.ToArray())
        {
            if (instance.GetFunction(name) is not { } f)
            {
                continue;
            }

            var args = f.Type.Parameters.Select(k => k is ValueKind.FuncRef or ValueKind.ExternRef ? WasmValue.FromReference(k, null) : new WasmValue(k, 0, null)).ToArray();
            store.SetFuel(200_000);
            stats.Calls++;
            try
            {
                f.Invoke(args);
            }
            catch (WasmTrap t)
            {
                Count(t, stats);
            }
        }
    }

    private static void Count(WasmTrap t, Stats stats)
    {
        stats.Traps++;
        if (t.Code == TrapCode.OutOfFuel)
        {
            stats.OutOfFuel++;
        }
    }

    private byte[] Mutate(byte[] src, int mutation)
    {
        var b = src.ToArray();
        switch (mutation)
        {
            case 0:
                {
                    // Flip a few bytes (header kept so most cases reach the sections).
                    var flips = 1 + random.Next(4);
                    for (var i = 0; i < flips && b.Length > 8; i++)
                    {
                        var pos = 8 + random.Next(b.Length - 8);
                        b[pos] = random.Next(2) == 0 ? (byte)(b[pos] ^ (1 << random.Next(8))) : (byte)random.Next(256);
                    }

                    return b;
                }

            case 1:
                return b[..random.Next(b.Length + 1)];
            case 2:
                return ShuffleSections(b);
            case 3:
                return OverlongSectionSize(b);
            case 6:
                return MutateConstants(b);
            case 4:
                {
                    // Overlong LEB128 anywhere: widen one byte < 0x80 into two (same value when it was a LEB end).
                    if (b.Length <= 9)
                    {
                        return b;
                    }

                    var pos = 8 + random.Next(b.Length - 8);
                    if (b[pos] >= 0x80)
                    {
                        return b;
                    }

                    var list = b.ToList();
                    list[pos] = (byte)(b[pos] | 0x80);
                    list.Insert(pos + 1, 0);
                    return list.ToArray();
                }

            default:
                {
                    // Insert or delete a random run of bytes.
                    var list = b.ToList();
                    var pos = 8 + random.Next(Math.Max(1, list.Count - 8));
                    if (random.Next(2) == 0 && pos < list.Count)
                    {
                        list.RemoveRange(pos, Math.Min(list.Count - pos, 1 + random.Next(4)));
                    }
                    else
                    {
                        for (var i = 0; i < 1 + random.Next(4); i++)
                        {
                            list.Insert(Math.Min(pos, list.Count), (byte)random.Next(256));
                        }
                    }

                    return list.ToArray();
                }
        }
    }

    /// <summary>Rewrites the LEB128 immediates after some i32/i64.const opcodes with random bits of the same length,
    /// so the module usually stays valid but computes (and traps on) different values.</summary>
    private byte[] MutateConstants(byte[] b)
    {
        var candidates = new List<int>();
        for (var i = 8; i < b.Length - 1; i++)
        {
            if (b[i] is 0x41 or 0x42)
            {
                candidates.Add(i + 1);
            }
        }

        for (var k = 0; k < 3 && candidates.Count > 0; k++)
        {
            var pos = candidates[random.Next(candidates.Count)];
            while (pos < b.Length)
            {
                var more = (b[pos] & 0x80) != 0;
                b[pos] = (byte)((more ? 0x80 : 0) | random.Next(128));
                pos++;
                if (!more)
                {
                    break;
                }
            }
        }

        return b;
    }

    private static List<(int Start, int End)>? Sections(byte[] b)
    {
        var list = new List<(int, int)>();
        var pos = 8;
        while (pos < b.Length)
        {
            var start = pos;
            pos++;
            uint size = 0;
            var shift = 0;
            while (true)
            {
                if (pos >= b.Length || shift > 28)
                {
                    return null;
                }

                var x = b[pos++];
                size |= (uint)(x & 0x7F) << shift;
                shift += 7;
                if ((x & 0x80) == 0)
                {
                    break;
                }
            }

            if (size > b.Length - pos)
            {
                return null;
            }

            pos += (int)size;
            list.Add((start, pos));
        }

        return list;
    }

    private byte[] ShuffleSections(byte[] b)
    {
        var sections = Sections(b);
        if (sections is null || sections.Count < 2)
        {
            return b;
        }

        var i = random.Next(sections.Count);
        var j = random.Next(sections.Count);
        var parts = sections.Select(s => b[s.Start..s.End]).ToList();
        if (random.Next(3) == 0)
        {
            parts.Insert(j, parts[i]);
        }
        else
        {
            (parts[i], parts[j]) = (parts[j], parts[i]);
        }

        return b[..8].Concat(parts.SelectMany(p => p)).ToArray();
    }

    private byte[] OverlongSectionSize(byte[] b)
    {
        // Re-encode one section size as a padded 5-byte LEB128 (still valid) or a 6-byte one (malformed).
        var sections = Sections(b);
        if (sections is null || sections.Count == 0)
        {
            return b;
        }

        var (start, end) = sections[random.Next(sections.Count)];
        var pos = start + 1;
        while ((b[pos] & 0x80) != 0)
        {
            pos++;
        }

        var bodyStart = pos + 1;
        var size = (uint)(end - bodyStart);
        var width = random.Next(4) == 0 ? 6 : 5;
        var leb = new List<byte>();
        for (var k = 0; k < width; k++)
        {
            var last = k == width - 1;
            leb.Add((byte)(((size >> (7 * Math.Min(k, 4))) & (k < 4 ? 0x7Fu : 0x0Fu)) | (last ? 0u : 0x80u)));
            if (k >= 4)
            {
                leb[^1] = (byte)(last ? 0 : 0x80);
            }
        }

        if (width == 5)
        {
            leb[4] = (byte)((size >> 28) & 0x0F);
        }

        return b[..(start + 1)].Concat(leb).Concat(b[bodyStart..]).ToArray();
    }
}
