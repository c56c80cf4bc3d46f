using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Marketplace.Grains.Execution.Wasi;
using Xunit;
using Xunit.Abstractions;

namespace Marketplace.Grains.Tests.Execution.Wasi;

/// <summary>What a program can observe comes from the job: input, argv, environ, logical clocks and the seeded random
/// stream.</summary>
public sealed class WasiObservablesTests(WasiFixture fixture, ITestOutputHelper output) : IClassFixture<WasiFixture>
{
    private static readonly DateTimeOffset Start = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    [Fact]
    public void ArgsAndEnvironmentComeFromTheJobWithTheProgramNameFirst()
    {
        var wat = Wat.Start("""
            (drop (call $args_sizes_get (i32.const 1024) (i32.const 1028)))
            (drop (call $args_get (i32.const 2048) (i32.const 4096)))
            (drop (call $environ_sizes_get (i32.const 1032) (i32.const 1036)))
            (drop (call $environ_get (i32.const 3072) (i32.const 8192)))
            (drop (call $write (i32.const 1) (i32.const 1024) (i32.const 16)))
            (drop (call $write (i32.const 1) (i32.const 2048) (i32.mul (i32.load (i32.const 1024)) (i32.const 4))))
            (drop (call $write (i32.const 1) (i32.const 4096) (i32.load (i32.const 1028))))
            (drop (call $write (i32.const 1) (i32.const 3072) (i32.mul (i32.load (i32.const 1032)) (i32.const 4))))
            (drop (call $write (i32.const 1) (i32.const 8192) (i32.load (i32.const 1036))))
            """);
        var options = new WasiRunOptions
        {
            JobId = "job-args",
            ProgramName = "wordcount",
            Arguments = ["-x", "héllo", ""],
            Environment = [new("A", "1"), new("LANG", "C.UTF-8")],
        };

        var result = fixture.Run(wat, options);

        Assert.Equal(WasiRunOutcome.Succeeded, result.Outcome);
        var argv = "wordcount\0-x\0héllo\0\0"u8.ToArray();
        var environ = "A=1\0LANG=C.UTF-8\0"u8.ToArray();
        var expected = new List<byte>();
        expected.AddRange(U32(4, argv.Length, 2, environ.Length));
        expected.AddRange(U32(4096, 4096 + 10, 4096 + 13, 4096 + 20));
        expected.AddRange(argv);
        expected.AddRange(U32(8192, 8192 + 4));
        expected.AddRange(environ);
        Assert.Equal(expected, result.Stdout.ToArray());
    }

    [Fact]
    public void StdinIsTheJobInputReadInPiecesIntoScatteredBuffers()
    {
        // Two iovecs of 2 and 3 bytes at 2048 and 2100; each read's bytes are echoed until a read returns 0.
        var wat = Wat.Start("""
            (local $n i32)
            (i32.store (i32.const 1024) (i32.const 2048)) (i32.store (i32.const 1028) (i32.const 2))
            (i32.store (i32.const 1032) (i32.const 2100)) (i32.store (i32.const 1036) (i32.const 3))
            (block $done
              (loop $next
                (drop (call $fd_read (i32.const 0) (i32.const 1024) (i32.const 2) (i32.const 1040)))
                (local.set $n (i32.load (i32.const 1040)))
                (br_if $done (i32.eqz (local.get $n)))
                (drop (call $write (i32.const 1) (i32.const 2048) (select (local.get $n) (i32.const 2) (i32.lt_u (local.get $n) (i32.const 2)))))
                (if (i32.gt_u (local.get $n) (i32.const 2))
                  (then (drop (call $write (i32.const 1) (i32.const 2100) (i32.sub (local.get $n) (i32.const 2))))))
                (call $emit (i32.const 124))
                (br $next)))
            """);
        var result = fixture.Run(wat, WasiFixture.Options(input: "hello wasi"u8.ToArray()));
        Assert.Equal(WasiRunOutcome.Succeeded, result.Outcome);
        Assert.Equal("hello| wasi|", Encoding.UTF8.GetString(result.Stdout.Span));
    }

    [Fact]
    public void ClocksStartAtTheJobInstantAndAdvanceOneMicrosecondPerReading()
    {
        var wat = Wat.Start("""
            (drop (call $clock_time_get (i32.const 0) (i64.const 0) (i32.const 65532)))
            (drop (call $clock_time_get (i32.const 0) (i64.const 0) (i32.const 1024)))
            (drop (call $clock_time_get (i32.const 0) (i64.const 0) (i32.const 1032)))
            (drop (call $clock_time_get (i32.const 1) (i64.const 0) (i32.const 1040)))
            (drop (call $clock_res_get (i32.const 1) (i32.const 1048)))
            (i64.store (i32.const 2048) (i64.const 7))
            (i32.store8 (i32.const 2056) (i32.const 0))
            (i32.store (i32.const 2064) (i32.const 1))
            (i64.store (i32.const 2072) (i64.const 1000000000))
            (drop (call $poll_oneoff (i32.const 2048) (i32.const 3072) (i32.const 1) (i32.const 1056)))
            (drop (call $clock_time_get (i32.const 2) (i64.const 0) (i32.const 1064)))
            (drop (call $write (i32.const 1) (i32.const 1024) (i32.const 48)))
            (drop (call $write (i32.const 1) (i32.const 3072) (i32.const 16)))
            """);
        var options = new WasiRunOptions { JobId = "job-clock", ProgramName = "clock", StartTime = Start };

        var result = fixture.Run(wat, options);
        var again = fixture.Run(wat, options);
        var later = fixture.Run(wat, new WasiRunOptions { JobId = "job-clock", ProgramName = "clock", StartTime = Start.AddSeconds(1) });

        Assert.Equal(WasiRunOutcome.Succeeded, result.Outcome);
        var bytes = result.Stdout.Span;
        var t0 = (ulong)(Start - DateTimeOffset.UnixEpoch).Ticks * 100;
        output.WriteLine($"realtime {BinaryPrimitives.ReadUInt64LittleEndian(bytes)} ns (start {Start:O})");
        Assert.Equal(t0, BinaryPrimitives.ReadUInt64LittleEndian(bytes));
        Assert.Equal(t0 + 1000, BinaryPrimitives.ReadUInt64LittleEndian(bytes[8..]));
        Assert.Equal(2000UL, BinaryPrimitives.ReadUInt64LittleEndian(bytes[16..]));
        Assert.Equal(1000UL, BinaryPrimitives.ReadUInt64LittleEndian(bytes[24..]));
        Assert.Equal(1, BinaryPrimitives.ReadInt32LittleEndian(bytes[32..]));
        Assert.Equal(1_000_003_000UL, BinaryPrimitives.ReadUInt64LittleEndian(bytes[40..]));
        Assert.Equal(7UL, BinaryPrimitives.ReadUInt64LittleEndian(bytes[48..]));
        Assert.Equal(0, BinaryPrimitives.ReadUInt16LittleEndian(bytes[56..]));
        Assert.Equal(0, bytes[58]);
        Assert.Equal(result.Stdout.ToArray(), again.Stdout.ToArray());
        Assert.Equal(t0 + 1_000_000_000, BinaryPrimitives.ReadUInt64LittleEndian(later.Stdout.Span));
    }

    [Fact]
    public void PollReportsReadyStdinWithoutAdvancingTheClock()
    {
        // Subscription 1: fd_read on stdin (userdata 1); subscription 2: monotonic clock in 5 s (userdata 2).
        var wat = Wat.Start("""
            (i64.store (i32.const 2048) (i64.const 1))
            (i32.store8 (i32.const 2056) (i32.const 1))
            (i32.store (i32.const 2064) (i32.const 0))
            (i64.store (i32.const 2096) (i64.const 2))
            (i32.store8 (i32.const 2104) (i32.const 0))
            (i32.store (i32.const 2112) (i32.const 1))
            (i64.store (i32.const 2120) (i64.const 5000000000))
            (drop (call $poll_oneoff (i32.const 2048) (i32.const 3072) (i32.const 2) (i32.const 1024)))
            (drop (call $clock_time_get (i32.const 1) (i64.const 0) (i32.const 1032)))
            (drop (call $write (i32.const 1) (i32.const 1024) (i32.const 4)))
            (drop (call $write (i32.const 1) (i32.const 3072) (i32.const 32)))
            (drop (call $write (i32.const 1) (i32.const 1032) (i32.const 8)))
            """);

        var bytes = fixture.Run(wat, WasiFixture.Options(input: "abc"u8.ToArray())).Stdout.ToArray().AsSpan();

        Assert.Equal(1, BinaryPrimitives.ReadInt32LittleEndian(bytes));
        Assert.Equal(1UL, BinaryPrimitives.ReadUInt64LittleEndian(bytes[4..]));
        Assert.Equal(0, BinaryPrimitives.ReadUInt16LittleEndian(bytes[12..]));
        Assert.Equal(1, bytes[14]);
        Assert.Equal(3UL, BinaryPrimitives.ReadUInt64LittleEndian(bytes[20..]));
        Assert.Equal(0UL, BinaryPrimitives.ReadUInt64LittleEndian(bytes[36..]));
    }

    [Fact]
    public void RandomBytesAreTheJobsSha256CounterStream()
    {
        var wat = Wat.Start("""
            (drop (call $random_get (i32.const 1024) (i32.const 40)))
            (drop (call $random_get (i32.const 1064) (i32.const 24)))
            (drop (call $write (i32.const 1) (i32.const 1024) (i32.const 64)))
            """);

        var a = fixture.Run(wat, WasiFixture.Options("job-a"));
        var again = fixture.Run(wat, WasiFixture.Options("job-a"));
        var b = fixture.Run(wat, WasiFixture.Options("job-b"));

        output.WriteLine($"job-a: {Convert.ToHexString(a.Stdout.Span)}");
        Assert.Equal(Stream("job-a", 64), a.Stdout.ToArray());
        Assert.Equal(a.Stdout.ToArray(), again.Stdout.ToArray());
        Assert.Equal(Stream("job-b", 64), b.Stdout.ToArray());
        Assert.NotEqual(a.Stdout.ToArray(), b.Stdout.ToArray());
    }

    [Fact]
    public void HostCallsChargeOneFuelPerSixteenBytesMoved()
    {
        var none = fixture.Run(Wat.Start("(drop (call $random_get (i32.const 1024) (i32.const 0)))"));
        var many = fixture.Run(Wat.Start("(drop (call $random_get (i32.const 1024) (i32.const 60000)))"));
        output.WriteLine($"fuel {none.FuelConsumed} for 0 bytes, {many.FuelConsumed} for 60000 bytes");
        Assert.Equal(60000 / WasiContext.BytesPerFuel, many.FuelConsumed - none.FuelConsumed);

        var starved = fixture.Run(Wat.Start("(drop (call $random_get (i32.const 1024) (i32.const 60000)))"), fuel: none.FuelConsumed + 100);
        Assert.Equal(WasiRunOutcome.OutOfFuel, starved.Outcome);
        Assert.Contains("3750 fuel", starved.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void StdioReportsStreamsWithoutSeekRights()
    {
        var wat = Wat.Start("""
            (drop (call $fd_fdstat_get (i32.const 0) (i32.const 1024)))
            (drop (call $fd_fdstat_get (i32.const 1) (i32.const 1048)))
            (drop (call $write (i32.const 1) (i32.const 1024) (i32.const 48)))
            """);
        var bytes = fixture.Run(wat).Stdout.ToArray();
        Assert.Equal(0, bytes[0]);
        Assert.Equal((1UL << 1) | (1UL << 27), BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(8)));
        Assert.Equal(0, bytes[24]);
        Assert.Equal((1UL << 6) | (1UL << 27), BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(32)));
    }

    private static byte[] Stream(string jobId, int length)
    {
        var result = new List<byte>();
        for (ulong block = 0; result.Count < length; block++)
        {
            var preimage = new List<byte>();
            preimage.AddRange("marketplace-wasi-random-v1"u8.ToArray());
            preimage.Add(0);
            preimage.AddRange(Encoding.UTF8.GetBytes(jobId));
            var counter = new byte[8];
            BinaryPrimitives.WriteUInt64BigEndian(counter, block);
            preimage.AddRange(counter);
            result.AddRange(SHA256.HashData(preimage.ToArray()));
        }

        return [.. result.Take(length)];
    }

    private static byte[] U32(params int[] values)
    {
        var bytes = new byte[values.Length * 4];
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(i * 4), values[i]);
        }

        return bytes;
    }
}
