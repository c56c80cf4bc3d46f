using System.Text;
using System.Text.Json;
using Xunit;
using Xunit.Abstractions;

namespace Marketplace.Grains.Tests.Samples;

/// <summary>
/// The sample programs on the real wasm engine with a test-only in-memory host (<see cref="InMemoryOnvmHost"/>):
/// ONVM's golden outputs, Blake3 against the published test vectors, JSON error handling and robustness against
/// mutated inputs. The same goldens run through the real program runner in SampleProgramRunnerTests.
/// </summary>
public sealed class SampleProgramEngineTests(ITestOutputHelper output)
{
    private const string AlphaChecksum = "840a44395252bd4175f63ee89d291e1200a83c888b2ff2dfb586f3ffc945380a";

    private static readonly byte[] Punctuation = "{}[]\",:\\ 0-e.tfnu"u8.ToArray();

    private static readonly byte[] Echo = SamplePrograms.Wasm("echo");
    private static readonly byte[] KvStore = SamplePrograms.Wasm("kvstore");
    private static readonly byte[] JobTest = SamplePrograms.Wasm("job-test");

    [Fact]
    public void EchoUppercasesAsciiLettersOnly()
    {
        var host = new InMemoryOnvmHost();
        var (golden, fuel) = host.Run(Echo, "hello world"u8.ToArray());
        Assert.Equal("HELLO WORLD", Encoding.ASCII.GetString(golden));
        Assert.True(fuel > 0);

        var all = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();
        var expected = all.Select(b => b is >= (byte)'a' and <= (byte)'z' ? (byte)(b - 32) : b).ToArray();
        Assert.Equal(expected, host.Run(Echo, all).Output);
        Assert.Empty(host.Run(Echo, []).Output);
    }

    [Fact]
    public void KvStoreGoldenSequence()
    {
        var host = new InMemoryOnvmHost();
        string Run(string file) => Encoding.UTF8.GetString(host.Run(KvStore, SamplePrograms.Input("kvstore", file)).Output);

        Assert.Equal($$"""{"status":"okput","key":"alpha","size":15,"checksum":"{{AlphaChecksum}}"}""", Run("kv_put.json"));
        Assert.Equal("Hello, KVSTORE!", Encoding.ASCII.GetString(host.State["alpha"]));
        Assert.Equal("YWxwaGE=", Encoding.ASCII.GetString(host.State["__keys"]));
        Assert.Equal(
            $$"""{"status":"okget","key":"alpha","size":15,"checksum":"{{AlphaChecksum}}","data_base64":"SGVsbG8sIEtWU1RPUkUh"}""",
            Run("kv_get.json"));
        Assert.Equal($$"""{"status":"oklist","entries":[{"key":"alpha","size":15,"checksum":"{{AlphaChecksum}}"}]}""", Run("list.json"));
        Assert.Equal(
            """{"status":"okstats","total_keys":1,"total_bytes":15,"checksum":"1e15bcd287e450ef367515c10914b5591a70e39086f1cb3335a964c499a850ad"}""",
            Run("kv_stats.json"));
        Assert.Equal("""{"status":"okclear","removed":1}""", Run("kv_clear.json"));
        Assert.Empty(host.State["alpha"]);
        Assert.Empty(host.State["__keys"]);
        Assert.Equal("""{"status":"err","message":"missing key"}""", Run("kv_get.json"));
        Assert.Equal("""{"status":"oklist","entries":[]}""", Run("list.json"));
    }

    /// <summary>Blake3 in WAT against the published BLAKE3 test vectors (input byte i is i mod 251), covering one
    /// block, partial blocks, chunk boundaries and multi-level trees.</summary>
    [Theory]
    [InlineData(0, "af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262")]
    [InlineData(1, "2d3adedff11b61f14c886e35afa036736dcd87a74d27b5c1510225d0f592e213")]
    [InlineData(63, "e9bc37a594daad83be9470df7f7b3798297c3d834ce80ba85d6e207627b7db7b")]
    [InlineData(64, "4eed7141ea4a5cd4b788606bd23f46e212af9cacebacdc7d1f4c6dc7f2511b98")]
    [InlineData(65, "de1e5fa0be70df6d2be8fffd0e99ceaa8eb6e8c93a63f2d8d1c30ecb6b263dee")]
    [InlineData(1023, "10108970eeda3eb932baac1428c7a2163b0e924c9a9e25b35bba72b28f70bd11")]
    [InlineData(1024, "42214739f095a406f3fc83deb889744ac00df831c10daa55189b5d121c855af7")]
    [InlineData(1025, "d00278ae47eb27b34faecf67b4fe263f82d5412916c1ffd97c8cb7fb814b8444")]
    [InlineData(2048, "e776b6028c7cd22a4d0ba182a8bf62205d2ef576467e838ed6f2529b85fba24a")]
    [InlineData(2049, "5f4d72f40d7a5f82b15ca2b2e44b1de3c2ef86c426c95c1af0b6879522563030")]
    [InlineData(3072, "b98cb0ff3623be03326b373de6b9095218513e64f1ee2edd2525c7ad1e5cffd2")]
    [InlineData(3073, "7124b49501012f81cc7f11ca069ec9226cecb8a2c850cfe644e327d22d3e1cd3")]
    [InlineData(4096, "015094013f57a5277b59d8475c0501042c0b642e531b0a1c8f58d2163229e969")]
    [InlineData(4097, "9b4052b38f1c5fc8b1f9ff7ac7b27cd242487b3d890d15c96a1c25b8aa0fb995")]
    [InlineData(5121, "628bd2cb2004694adaab7bbd778a25df25c47b9d4155a55f8fbd79f2fe154cff")]
    [InlineData(8193, "bab6c09cb8ce8cf459261398d2e7aef35700bf488116ceb94a36d0f5f1b7bc3b")]
    [InlineData(16384, "f875d6646de28985646f34ee13be9a576fd515f76b5b0a26bb324735041ddde4")]
    [InlineData(31744, "62b6960e1a44bcc1eb1a611a8d6235b6b4b78f32e7abc4fb4c6cdcce94895c47")]
    [InlineData(102400, "bc3e3d41a1146b069abffad3c0d44860cf664390afce4d9661f7902e7943e085")]
    public void KvStoreChecksumIsBlake3(int length, string expectedHex)
    {
        var data = Enumerable.Range(0, length).Select(i => (byte)(i % 251)).ToArray();
        var host = new InMemoryOnvmHost();
        var (response, fuel) = host.Run(KvStore, Put("k", data));
        using var json = JsonDocument.Parse(response);
        Assert.Equal("okput", json.RootElement.GetProperty("status").GetString());
        Assert.Equal(length, json.RootElement.GetProperty("size").GetInt32());
        Assert.Equal(expectedHex, json.RootElement.GetProperty("checksum").GetString());
        Assert.Equal(data, host.State["k"]);
        output.WriteLine($"{length} bytes: fuel {fuel}");
    }

    /// <summary>ONVM writes the input at offset 0; the modules keep their data at 64 KiB and above, so inputs up to
    /// 64 KiB there give the same answers.</summary>
    [Fact]
    public void InputAtOffsetZeroGivesTheSameAnswers()
    {
        var fresh = new InMemoryOnvmHost();
        var zero = new InMemoryOnvmHost();
        var data = Enumerable.Range(0, 40_000).Select(i => (byte)(i * 13)).ToArray();
        foreach (var (wasm, input) in new[]
        {
            (Echo, "hello world"u8.ToArray()),
            (KvStore, SamplePrograms.Input("kvstore", "kv_put.json")),
            (KvStore, Put("big", data)),
            (KvStore, SamplePrograms.Input("kvstore", "kv_stats.json")),
            (KvStore, """{"op":"get","key":"big"}"""u8.ToArray()),
            (JobTest, SamplePrograms.Input("job-test", "test_hash.json")),
        })
        {
            Assert.Equal(fresh.Run(wasm, input).Output, zero.Run(wasm, input, atOffsetZero: true).Output);
        }
    }

    /// <summary>Blake3 in WAT equals the C# Blake3 of crypto/Hashing on seeded random inputs of random lengths
    /// (biased to chunk and block boundaries).</summary>
    [Fact]
    public void KvStoreChecksumEqualsCryptoBlake3OnRandomInputs()
    {
        var seed = Environment.GetEnvironmentVariable("SAMPLES_BLAKE3_SEED") is { } s ? int.Parse(s, System.Globalization.CultureInfo.InvariantCulture) : 5318008;
        output.WriteLine($"seed {seed}");
        var random = new Random(seed);
        var host = new InMemoryOnvmHost();
        for (var n = 0; n < 40; n++)
        {
            var length = random.Next(3) switch
            {
                0 => random.Next(0, 200),
                1 => (random.Next(1, 40) * 1024) + random.Next(-2, 3),
                _ => random.Next(0, 70_000),
            };
            var data = new byte[Math.Max(0, length)];
            random.NextBytes(data);
            using var json = JsonDocument.Parse(host.Run(KvStore, Put("k", data)).Output);
            Assert.Equal(Convert.ToHexStringLower(Marketplace.Crypto.Hashing.Blake3.Hash(data)), json.RootElement.GetProperty("checksum").GetString());
        }
    }

    [Fact]
    public void KvStoreGetRetriesWithTheSizeTheHostAsksFor()
    {
        var host = new InMemoryOnvmHost();
        var data = Enumerable.Range(0, 5000).Select(i => (byte)(i * 7)).ToArray();
        host.Run(KvStore, Put("big", data));
        using var json = JsonDocument.Parse(host.Run(KvStore, """{"op":"get","key":"big"}"""u8.ToArray()).Output);
        Assert.Equal("okget", json.RootElement.GetProperty("status").GetString());
        Assert.Equal(data, Convert.FromBase64String(json.RootElement.GetProperty("data_base64").GetString()!));
    }

    [Fact]
    public void KvStoreKeepsASortedIndexAndStatsOverKeyAndValue()
    {
        var host = new InMemoryOnvmHost();
        host.Run(KvStore, Put("zeta", "z"u8.ToArray()));
        host.Run(KvStore, Put("beta", "bb"u8.ToArray()));
        host.Run(KvStore, Put("alpha", "aaa"u8.ToArray()));
        host.Run(KvStore, Put("beta", "BB"u8.ToArray()));
        Assert.Equal("alpha,beta,zeta", Encoding.ASCII.GetString(Convert.FromBase64String(Encoding.ASCII.GetString(host.State["__keys"]))));
        using var list = JsonDocument.Parse(host.Run(KvStore, """{"op":"list"}"""u8.ToArray()).Output);
        Assert.Equal(["alpha", "beta", "zeta"], list.RootElement.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("key").GetString()));
        using var stats = JsonDocument.Parse(host.Run(KvStore, """{"op":"stats"}"""u8.ToArray()).Output);
        Assert.Equal(3, stats.RootElement.GetProperty("total_keys").GetInt32());
        Assert.Equal(6, stats.RootElement.GetProperty("total_bytes").GetInt32());
        // The stats checksum is the Blake3 of key||value over the index: the put checksum of those bytes.
        using var same = JsonDocument.Parse(new InMemoryOnvmHost().Run(KvStore, Put("x", "alphaaaabetaBBzetaz"u8.ToArray())).Output);
        Assert.Equal(same.RootElement.GetProperty("checksum").GetString(), stats.RootElement.GetProperty("checksum").GetString());
    }

    [Theory]
    [InlineData("", "invalid json: EOF while parsing a value at line 1 column 0")]
    [InlineData("x", "invalid json: expected value at line 1 column 1")]
    [InlineData("""{"op":"get"}""", "invalid json: missing field `key` at line 1 column 12")]
    [InlineData("""{"key":"a"}""", "invalid json: missing field `op` at line 1 column 11")]
    [InlineData("""{"op":"nope"}""", "invalid json: unknown variant `nope`, expected one of `put`, `get`, `list`, `clear`, `stats` at line 1 column 13")]
    [InlineData("""{"op":"put","key":"a","data_base64":"@@"}""", "base64 decode: Invalid symbol 64, offset 0.")]
    [InlineData("""{"op":"put","key":"a","data_base64":"QR=="}""", "base64 decode: Invalid last symbol 82, offset 1.")]
    [InlineData("""{"op":"put","key":"a","data_base64":"QQ"}""", "base64 decode: Invalid padding")]
    [InlineData("""{"op":"put","key":"a,b","data_base64":"QQ=="}""", "key must not contain a comma")]
    [InlineData("""{"op":"get","key":"a"} x""", "invalid json: trailing characters at line 1 column 24")]
    [InlineData("""{"op":"list","op":"list"}""", "invalid json: duplicate field `op` at line 1 column 19")]
    [InlineData("""{"op":"get","key":"nothing"}""", "missing key")]
    public void KvStoreRejectsBadRequestsWithTheErrStatus(string input, string message)
    {
        var response = new InMemoryOnvmHost().Run(KvStore, input);
        using var json = JsonDocument.Parse(response);
        Assert.Equal("err", json.RootElement.GetProperty("status").GetString());
        Assert.Equal(message, json.RootElement.GetProperty("message").GetString());
    }

    [Fact]
    public void KvStoreReadsEscapesAndSkipsUnknownFields()
    {
        var host = new InMemoryOnvmHost();
        var put = """ { "extra": [1, -2.5e+3, {"n": null, "t": true, "f": false}, "s\"\u0041"], "op" : "put", "key" : "k\u00e9\ud83d\ude00\n\"", "data_base64" : "" } """;
        var response = host.Run(KvStore, put);
        using var json = JsonDocument.Parse(response);
        Assert.Equal("okput", json.RootElement.GetProperty("status").GetString());
        Assert.Equal("k\u00e9\U0001F600\n\"", json.RootElement.GetProperty("key").GetString());
        Assert.Contains("\"key\":\"k\u00e9\U0001F600\\n\\\"\"", response, StringComparison.Ordinal);
        Assert.Empty(host.State[Encoding.Latin1.GetString(Encoding.UTF8.GetBytes("k\u00e9\U0001F600\n\""))]);
    }

    [Fact]
    public void InvalidUtf8IsAnError()
    {
        var kv = Encoding.UTF8.GetString(new InMemoryOnvmHost().Run(KvStore, [.. """{"op":"get","key":"""u8, 0x22, 0xff, 0x22, 0x7d]).Output);
        Assert.Equal("""{"status":"err","message":"invalid json: invalid unicode code point at line 1 column 20"}""", kv);
        var job = Encoding.UTF8.GetString(new InMemoryOnvmHost().Run(JobTest, [.. """{"task":"""u8, 0x22, 0xe2, 0x82]).Output);
        Assert.Equal("""{"fuel_estimate":"unknown","iterations_completed":0,"result":"utf8 error: incomplete utf-8 byte sequence from index 9","status":"error"}""", job);
    }

    [Theory]
    [InlineData("test_compute.json", "computed result: 15890148514020052928", 100)]
    [InlineData("test_hash.json", "hash: 85ac1851db58ce36", 50)]
    [InlineData("test_transform.json", "transformed: TeSt tHe jOb sChEdUlEr wItH ThIs mEsSaGe", 10)]
    [InlineData("test_stress.json", "stress test completed: 500 iterations, sum: 273625", 500)]
    public void JobTestGoldens(string file, string result, int iterations)
    {
        var (response, fuel) = new InMemoryOnvmHost().Run(JobTest, SamplePrograms.Input("job-test", file));
        Assert.Equal(
            $$"""{"status":"success","result":"{{result}}","iterations_completed":{{iterations}},"fuel_estimate":"~{{10000 + (1000 * iterations)}} fuel units"}""",
            Encoding.UTF8.GetString(response));
        output.WriteLine($"{file}: fuel {fuel}");
    }

    [Fact]
    public void JobTestTasksFollowTheirDefinitions()
    {
        var host = new InMemoryOnvmHost();
        string Result(string input)
        {
            using var json = JsonDocument.Parse(host.Run(JobTest, input));
            Assert.Equal("success", json.RootElement.GetProperty("status").GetString());
            return json.RootElement.GetProperty("result").GetString()!;
        }

        // compute without data starts from 1; unparsable data too; wrapping arithmetic
        ulong compute = 1;
        for (ulong i = 1; i <= 10; i++)
        {
            compute = unchecked((compute * i) + i);
        }

        Assert.Equal($"computed result: {compute}", Result("""{"task":"compute"}"""));
        Assert.Equal($"computed result: {compute}", Result("""{"task":"compute","data":"18446744073709551616"}"""));
        ulong hash = 0;
        var text = "default-data"u8.ToArray();
        for (ulong i = 0; i < 3; i++)
        {
            for (var idx = 0; idx < text.Length; idx++)
            {
                hash = unchecked((hash * 31) + text[idx] + i + (ulong)idx);
            }
        }

        Assert.Equal($"hash: {hash:x16}", Result("""{"task":"hash","iterations":3,"data":null}"""));
        Assert.Equal("transformed: HeLlO WoRlD", Result("""{"task":"transform"}"""));
        Assert.Equal("transformed: \u00c9aBc\"d", Result("""{"task":"transform","data":"\u00c9ABC\"D"}"""));
        Assert.Equal("stress test completed: 0 iterations, sum: 0", Result("""{"task":"stress","iterations":0,"other":[{}]}"""));
    }

    [Theory]
    [InlineData("""{"task":"x"}""", "unknown task: x")]
    [InlineData("""{}""", "invalid json: missing field `task` at line 1 column 2")]
    [InlineData("""{"task":"compute","iterations":-1}""", "invalid json: invalid value: integer `-1`, expected u32 at line 1 column 34")]
    [InlineData("""{"task":"compute","iterations":1.5}""", "invalid json: invalid type: floating point `1.5`, expected u32 at line 1 column 35")]
    [InlineData("""{"task":"compute","iterations":4294967296}""", "invalid json: invalid value: integer `4294967296`, expected u32 at line 1 column 42")]
    public void JobTestErrorsUseTheSortedErrorShape(string input, string message)
    {
        Assert.Equal(
            $$"""{"fuel_estimate":"unknown","iterations_completed":0,"result":"{{message}}","status":"error"}""",
            new InMemoryOnvmHost().Run(JobTest, input));
    }

    /// <summary>Mutated shipped inputs (seeded) never trap and always answer one JSON object with a status.</summary>
    [Fact]
    public void MutatedInputsAlwaysGiveAJsonAnswer()
    {
        var seed = Environment.GetEnvironmentVariable("SAMPLES_FUZZ_SEED") is { } s ? int.Parse(s, System.Globalization.CultureInfo.InvariantCulture) : 20261122;
        output.WriteLine($"seed {seed}");
        var random = new Random(seed);
        var corpus = new (byte[] Wasm, byte[] Input)[]
        {
            (KvStore, SamplePrograms.Input("kvstore", "kv_put.json")),
            (KvStore, SamplePrograms.Input("kvstore", "kv_get.json")),
            (KvStore, """{"op":"put","key":"a\u00e9\n","data_base64":"AAEC","x":[1,{"y":[true,null,-1.5e3]}]}"""u8.ToArray()),
            (JobTest, SamplePrograms.Input("job-test", "test_compute.json")),
            (JobTest, SamplePrograms.Input("job-test", "test_transform.json")),
        };
        var host = new InMemoryOnvmHost();
        var statuses = new Dictionary<string, int>();
        for (var n = 0; n < 600; n++)
        {
            var (wasm, original) = corpus[random.Next(corpus.Length)];
            var input = original.ToList();
            for (var edits = random.Next(1, 4); edits > 0 && input.Count > 0; edits--)
            {
                var at = random.Next(input.Count);
                switch (random.Next(4))
                {
                    case 0: input[at] = (byte)random.Next(256); break;
                    case 1: input.RemoveAt(at); break;
                    case 2: input.Insert(at, Punctuation[random.Next(Punctuation.Length)]); break;
                    default: input.RemoveRange(at, input.Count - at); break;
                }
            }

            var (response, fuel) = host.Run(wasm, [.. input]);
            Assert.True(fuel > 0);
            using var json = JsonDocument.Parse(response);
            var status = json.RootElement.GetProperty("status").GetString()!;
            statuses[status] = statuses.GetValueOrDefault(status) + 1;
        }

        output.WriteLine(string.Join(", ", statuses.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key} {p.Value}")));
        Assert.True(statuses.Keys.Count >= 3);
    }

    private static byte[] Put(string key, byte[] data) =>
        Encoding.UTF8.GetBytes($$"""{"op":"put","key":"{{key}}","data_base64":"{{Convert.ToBase64String(data)}}"}""");
}
