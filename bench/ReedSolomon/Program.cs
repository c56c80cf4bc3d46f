// Reed-Solomon throughput on one thread: encode, and rebuild of 2 or 4 lost data shards, for 4+2 and 10+4 codes,
// on every kernel this processor runs, with the scalar kernel measured in the same run as the baseline.
// Throughput is data bytes (k x shard size) per second of this thread's work, in GB/s (10^9 bytes), per core.
// Each figure is the best of --rounds rounds, a round repeating the operation for at least --seconds; the kernels of
// one case run round-robin within each round, so a change in machine load falls on all of them alike.
// Usage: dotnet run -c Release --project bench/ReedSolomon [-- --shard 1048576 --rounds 5 --seconds 0.25]
using System.Diagnostics;
using System.Globalization;
using Marketplace.Storage.ReedSolomon;

var shardSize = Option("--shard", 1 << 20);
var rounds = Option("--rounds", 5);
var seconds = double.Parse(OptionText("--seconds", "0.25"), CultureInfo.InvariantCulture);

var kernels = new List<GaloisKernel>();
foreach (var kernel in new[] { GaloisKernel.Scalar, GaloisKernel.Ssse3, GaloisKernel.Avx2, GaloisKernel.Avx512, GaloisKernel.Gfni })
{
    if (ReedSolomonCodec.IsKernelSupported(kernel))
    {
        kernels.Add(kernel);
    }
}

Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"Reed-Solomon GF(2^8), shard {shardSize} bytes, best of {rounds} rounds of >= {seconds} s; {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, "
    + $"{Environment.ProcessorCount} cores, .NET {Environment.Version}; Auto = {ReedSolomonCodec.FastestKernel}"));
Console.WriteLine($"{"case",-28} {"kernel",-8} {"GB/s",8} {"x scalar",9}");

var cases = new (string Name, int K, int M, int Lost)[] { ("4+2 encode", 4, 2, 0), ("4+2 rebuild 2 data", 4, 2, 2), ("10+4 encode", 10, 4, 0), ("10+4 rebuild 2 data", 10, 4, 2), ("10+4 rebuild 4 data", 10, 4, 4) };
var results = new Dictionary<(string, GaloisKernel), double>();
foreach (var (name, k, m, lost) in cases)
{
    var random = new Random(12345);
    var shards = new Memory<byte>[k + m];
    for (var i = 0; i < shards.Length; i++)
    {
        var bytes = new byte[shardSize];
        random.NextBytes(bytes);
        shards[i] = bytes;
    }

    // Lost: the first `lost` data shards (the rebuild that costs most: every output is a full k-term combination).
    var present = new bool[k + m];
    for (var i = 0; i < present.Length; i++)
    {
        present[i] = i >= lost;
    }

    var codecs = kernels.ConvertAll(kernel => ReedSolomonCodec.Create(k, m, kernel));
    ReedSolomonCodec.Create(k, m, GaloisKernel.Scalar).Encode(shards);
    var best = new double[codecs.Count];
    Array.Fill(best, double.MaxValue);
    for (var round = -1; round < rounds; round++) // round -1 warms up
    {
        for (var c = 0; c < codecs.Count; c++)
        {
            var codec = codecs[c];
            Action operation = lost == 0 ? () => codec.Encode(shards) : () => codec.ReconstructData(shards, present);
            var perCall = Measure(operation, seconds);
            if (round >= 0)
            {
                best[c] = Math.Min(best[c], perCall);
            }
        }
    }

    // Every kernel must have produced the scalar kernel's bytes.
    if (!ReedSolomonCodec.Create(k, m, GaloisKernel.Scalar).Verify(shards))
    {
        throw new InvalidOperationException($"{name}: the shards do not verify after the run");
    }

    var dataBytes = (double)k * shardSize;
    var scalarRate = dataBytes / best[0] / 1e9;
    for (var c = 0; c < codecs.Count; c++)
    {
        var rate = dataBytes / best[c] / 1e9;
        results[(name, kernels[c])] = rate;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-28} {kernels[c],-8} {rate,8:F2} {rate / scalarRate,8:F1}x"));
    }
}

if (results.TryGetValue(("10+4 encode", GaloisKernel.Avx2), out var avx2Encode))
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"goal: 10+4 encode >= 1 GB/s per core on AVX2: {avx2Encode:F2} GB/s, {(avx2Encode >= 1 ? "met" : "NOT met")}"));
}

return 0;

// Seconds of this thread's CPU time per call (wall time where the thread clock is coarser than the run).
static double Measure(Action operation, double seconds)
{
    var calls = 0;
    var cpuStart = CurrentThreadCpu();
    var wall = Stopwatch.StartNew();
    do
    {
        operation();
        calls++;
    }
    while (wall.Elapsed.TotalSeconds < seconds);
    var cpu = CurrentThreadCpu() - cpuStart;
    return (cpu > 0 ? cpu : wall.Elapsed.TotalSeconds) / calls;
}

// The calling thread's CPU time, from /proc on Linux; zero elsewhere (then wall time is used).
static double CurrentThreadCpu()
{
    const string path = "/proc/thread-self/stat";
    if (!File.Exists(path))
    {
        return 0;
    }

    var fields = File.ReadAllText(path);
    var afterName = fields[(fields.LastIndexOf(')') + 2)..].Split(' ');
    // utime and stime are fields 14 and 15 of stat (11 and 12 after the name and state), in clock ticks of 1/100 s.
    return (long.Parse(afterName[11], CultureInfo.InvariantCulture) + long.Parse(afterName[12], CultureInfo.InvariantCulture)) / 100.0;
}

int Option(string name, int fallback) => int.Parse(OptionText(name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);

string OptionText(string name, string fallback)
{
    var at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length ? args[at + 1] : fallback;
}
