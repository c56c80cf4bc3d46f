// BLS12-381 benchmarks: ops/s, ms per op, ratio to blst (figures measured on the CI machine kind, from
// shared/reference/crypto.md), a BigInteger field-multiplication baseline measured in the same run, and, where the
// generated x86-64 field kernels run, the main operations again on the managed field code (same-run speed-up).
// Usage: dotnet run -c Release --project bench/Crypto [-- --quick] [--wall] | [-- --micro] | [-- --repeat OP N]
// MARKETPLACE_BLS_KERNELS=managed runs everything on the managed field code.
// "us/op" is process CPU time per operation (best of five rounds; wall-clock time with --wall), because the build
// machine is shared; "wall us" is wall-clock time. Everything is single-threaded except AggregateVerify and
// BatchVerify with many messages, which hash and run Miller loops on all cores: there CPU time is the total work
// (inflated when the cores are hyperthreads of one physical core) and wall time the latency. The "one core" rows
// run AggregateVerify on one thread: those compare with blst's single-threaded figures and carry the speed goal.
using System.Diagnostics;
using System.Numerics;
using System.Text.Json;
using Marketplace.Crypto.Bls;
using Marketplace.Crypto.Bls.Kernels;

// --repeat OPERATION N: run one operation N times and exit (for instruction counting with valgrind --tool=callgrind,
// which is stable on a loaded machine: compare N = 1 and N = 5 runs).
if (args.Length == 3 && args[0] == "--repeat")
{
    using var repeatKey = Bls.KeyGen(new byte[32]);
    var repeatPk = repeatKey.PublicKey();
    byte[] repeatMsg = new byte[32];
    var repeatSig = Bls.Sign(repeatKey, repeatMsg);
    var repeatPair = PairingInputFor(repeatPk, repeatSig);
    var repeatFp = Fp.FromBigInteger(12345678901234567);
    var repeatFp2 = new Fp2(repeatFp, Fp.FromBigInteger(987654321));
    var repeatFp12 = Pairing.FinalExponentiation(Pairing.MillerLoop([repeatPair]));
    Action op = args[1] switch
    {
        // Field-level operations, 1000 per call (divide the instruction count by 1000).
        "fpmul" => () => repeatFp = Chain(repeatFp, x => Fp.Mul(x, repeatFp)),
        "fpadd" => () => repeatFp = Chain(repeatFp, x => Fp.Add(x, repeatFp)),
        "fp2mul" => () => repeatFp2 = Chain(repeatFp2, x => Fp2.Mul(x, repeatFp2)),
        "fp2sqr" => () => repeatFp2 = Chain(repeatFp2, x => Fp2.Square(x)),
        "fp12mul" => () => repeatFp12 = Chain(repeatFp12, x => Fp12.Mul(x, repeatFp12)),
        "cyclosqr" => () => repeatFp12 = Chain(repeatFp12, x => Fp12.CyclotomicSquare(x)),
        "miller" => () => Pairing.MillerLoop([repeatPair]),
        "finalexp" => () => Pairing.FinalExponentiation(repeatFp12),
        "skToPk" => () => repeatKey.PublicKey(),
        "verify" => () => Check(Bls.Verify(repeatPk, repeatMsg, repeatSig)),
        "sign" => () => Bls.Sign(repeatKey, repeatMsg),
        "pairing" => () => Pairing.Pair(repeatPair),
        "hash" => () => Bls.HashToPoint(repeatMsg, "BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_"u8),
        _ => throw new ArgumentException("operation: verify, sign, pairing, hash, miller, finalexp, skToPk, fpmul, fpadd, fp2mul, fp2sqr, fp12mul, cyclosqr"),
    };
    for (int i = 0, n = int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture); i < n; i++)
    {
        op();
    }

    return 0;
}

bool quick = args.Contains("--quick");
bool cpuTime = !args.Contains("--wall");
double budgetSeconds = quick ? 0.3 : 1.5;
var rows = new List<Row>();

var keys = new List<SecretKey>();
var pubs = new List<PublicKey>();
for (int i = 0; i < 128; i++)
{
    var ikm = new byte[32];
    BitConverter.TryWriteBytes(ikm, i + 1);
    keys.Add(Bls.KeyGen(ikm));
    pubs.Add(keys[i].PublicKey());
}

byte[] message = new byte[32];
message.AsSpan().Fill(0x42);
var sig0 = Bls.Sign(keys[0], message);
var sameMsgSigs = keys.Select(k => Bls.Sign(k, message)).ToList();
var distinctMsgs = Enumerable.Range(0, 128).Select(i => { var m = new byte[32]; m[0] = (byte)i; m[1] = (byte)(i >> 8); return m; }).ToList();
var distinctSigs = keys.Select((k, i) => Bls.Sign(k, distinctMsgs[i])).ToList();
byte[] pkBytes = pubs[0].ToBytes();
byte[] sigBytes = sig0.ToBytes();

// Field multiplication: ours vs BigInteger (a * b) % p, same run.
var rng = new Random(12345);
BigInteger RandomFieldValue()
{
    var b = new byte[48];
    rng.NextBytes(b);
    return new BigInteger(b, isUnsigned: true) % Fp.Modulus;
}

var ba = RandomFieldValue();
var bb = RandomFieldValue();
var fa = Fp.FromBigInteger(ba);
var fb = Fp.FromBigInteger(bb);
Action fpMulLoop = () =>
{
    var x = fa;
    for (int i = 0; i < 1000; i++)
    {
        x = Fp.Mul(x, fb);
    }

    fa = x;
};
Measure("Fp multiplication (6x64 Montgomery)", 1000, null, fpMulLoop);
Measure("Fp multiplication (BigInteger baseline)", 1000, null, () =>
{
    var x = ba;
    for (int i = 0; i < 1000; i++)
    {
        x = x * bb % Fp.Modulus;
    }

    ba = x;
});

if (args.Contains("--micro"))
{
    var f2 = new Fp2(fa, fb);
    var fc = Fp.FromBigInteger(99);
    var fd = Fp.FromBigInteger(12345);
    Measure("Fp mul, 4 independent chains x1000", 4000, null, () =>
    {
        Fp x = fa, y = fb, z = fc, w = fd;
        for (int i = 0; i < 1000; i++)
        {
            x = Fp.Mul(x, fb);
            y = Fp.Mul(y, fc);
            z = Fp.Mul(z, fd);
            w = Fp.Mul(w, fa);
        }

        fa = x; fb = y; fc = z; fd = w;
    });
    Measure("Fp inverse (Fermat)", 1, null, () => fa = Fp.Inverse(fa));
    Measure("Fp inverse (safegcd, public)", 1, null, () => fa = Fp.InversePublic(fa));
    Measure("Fp sqrt candidate (pow)", 1, null, () => fa = Fp.Pow(fa, Fp.PPlus1Over4));
    Measure("Fp add x1000", 1000, null, () => { var x = fa; for (int i = 0; i < 1000; i++) { x = Fp.Add(x, fb); } fa = x; });
    Measure("Fp square x1000", 1000, null, () => { var x = fa; for (int i = 0; i < 1000; i++) { x = Fp.Square(x); } fa = x; });
    Measure("Fp2 mul x1000", 1000, null, () => { var x = f2; for (int i = 0; i < 1000; i++) { x = Fp2.Mul(x, f2); } f2 = x; });
    Measure("Fp2 square x1000", 1000, null, () => { var x = f2; for (int i = 0; i < 1000; i++) { x = Fp2.Square(x); } f2 = x; });
    var f12 = Pairing.FinalExponentiation(Pairing.MillerLoop([PairingInputFor(pubs[0], sig0)]));
    Measure("Fp12 cyclotomic square x100", 100, null, () => { var x = f12; for (int i = 0; i < 100; i++) { x = Fp12.CyclotomicSquare(x); } f12 = x; });
    Measure("Fp12 mul x100", 100, null, () => { var x = f12; for (int i = 0; i < 100; i++) { x = Fp12.Mul(x, f12); } f12 = x; });
    foreach (var r in rows)
    {
        Console.WriteLine($"{r.Operation,-42} {r.MicrosecondsPerOp * 1000,10:F1} ns");
    }

    return 0;
}

Measure("SkToPk", 1, 73, () => keys[1].PublicKey());
Measure("hash_to_G2", 1, 136, () => Bls.HashToPoint(message, "BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_"u8));
Measure("Sign", 1, 268, () => Bls.Sign(keys[0], message));
Measure("Verify", 1, 864, () => Check(Bls.Verify(pubs[0], message, sig0)));
var pairInput = PairingInputFor(pubs[0], sig0);
Measure("pairing (Miller loop + final exp)", 1, 463, () => Pairing.Pair(pairInput));
var millerOut = Pairing.MillerLoop([pairInput]);
Measure("  Miller loop, 1 pair", 1, 193, () => Pairing.MillerLoop([pairInput]));
Measure("  final exponentiation", 1, 463 - 193, () => Pairing.FinalExponentiation(millerOut));
Measure("G1 decompress + subgroup check", 1, 10 + 32, () => PublicKey.FromBytes(pkBytes));
Measure("G2 decompress + subgroup check", 1, 21 + 39, () => Signature.FromBytes(sigBytes));
foreach (int n in new[] { 1, 32, 128 })
{
    var ks = pubs.Take(n).ToList();
    var agg = Bls.Aggregate(sameMsgSigs.Take(n).ToList());
    double blst = n == 1 ? 870 : n == 32 ? 910 : 930;
    Measure($"FastAggregateVerify n={n}", 1, blst, () => Check(Bls.FastAggregateVerify(ks, message, agg)));
}

foreach (int n in new[] { 8, 128 })
{
    var ks = pubs.Take(n).ToList();
    var ms = distinctMsgs.Take(n).ToList();
    var agg = Bls.Aggregate(distinctSigs.Take(n).ToList());
    double blst = n == 8 ? 2650 : 35400;
    Measure($"AggregateVerify n={n}", 1, blst, () => Check(Bls.AggregateVerify(ks, ms, agg)), perItem: n);
    Bls.Parallelism = 1;
    Measure($"AggregateVerify n={n}, one core", 1, blst, () => Check(Bls.AggregateVerify(ks, ms, agg)), perItem: n);
    Bls.Parallelism = Environment.ProcessorCount;
}

Measure("Aggregate 128 signatures", 1, 128, () => Bls.Aggregate(sameMsgSigs));

// Same-run baseline for the generated kernels: the same operations on the managed field code.
var kernelRows = new List<(string Name, Action Op)>
{
    ("Fp multiplication (6x64 Montgomery)", fpMulLoop),
    ("hash_to_G2", () => Bls.HashToPoint(message, "BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_"u8)),
    ("Sign", () => Bls.Sign(keys[0], message)),
    ("Verify", () => Check(Bls.Verify(pubs[0], message, sig0))),
    ("  Miller loop, 1 pair", () => Pairing.MillerLoop([pairInput])),
    ("  final exponentiation", () => Pairing.FinalExponentiation(millerOut)),
};
var managedRows = new List<Row>();
if (FieldKernels.Available && FieldKernels.Enabled)
{
    FieldKernels.Enabled = false;
    foreach (var (name, op) in kernelRows)
    {
        managedRows.Add(Measure(name + " [managed field code]", name.StartsWith("Fp ", StringComparison.Ordinal) ? 1000 : 1, null, op));
    }

    FieldKernels.Enabled = true;
}

Console.WriteLine();
Console.WriteLine($"{"operation",-42} {"ops/s",12} {"ms/op",10} {"us/op",12} {"wall us",12} {"blst us",10} {"x blst",8}");
foreach (var r in rows.Where(r => !managedRows.Contains(r)))
{
    string blst = r.BlstMicroseconds is { } b ? b.ToString("F0") : "-";
    string ratio = r.RatioToBlst is { } q ? q.ToString("F2") : "-";
    string per = r.PerItemMicroseconds is { } p ? $"  ({p / 1000:F3} ms cpu, {r.WallMicrosecondsPerOp / (r.MicrosecondsPerOp / p) / 1000:F3} ms wall per message)" : string.Empty;
    Console.WriteLine($"{r.Operation,-42} {r.OpsPerSecond,12:F1} {r.MicrosecondsPerOp / 1000,10:F4} {r.MicrosecondsPerOp,12:F3} {r.WallMicrosecondsPerOp,12:F3} {blst,10} {ratio,8}{per}");
}

// The speed goals of the BLS library (CPU time per operation; AggregateVerify per distinct message).
Console.WriteLine();
foreach (var (name, goalMs, perMessage) in new[]
{
    ("Verify", 2.6, false), ("Sign", 1.0, false), ("FastAggregateVerify n=128", 3.0, false),
    ("AggregateVerify n=8, one core", 1.0, true), ("AggregateVerify n=128, one core", 1.0, true),
})
{
    var row = rows.Find(r => r.Operation == name);
    if (row is null)
    {
        continue;
    }

    double ms = (perMessage ? row.PerItemMicroseconds!.Value : row.MicrosecondsPerOp) / 1000;
    Console.WriteLine($"goal {name}{(perMessage ? " per message" : string.Empty)} <= {goalMs} ms: {ms:F3} ms, {(ms <= goalMs ? "met" : "MISSED")}");
}

Console.WriteLine();
Console.WriteLine($"field code: {FieldKernels.Status}");
if (managedRows.Count > 0)
{
    Console.WriteLine($"{"same run, managed field code instead",-42} {"managed us",12} {"kernels us",12} {"speed-up",10}");
    for (int i = 0; i < managedRows.Count; i++)
    {
        var kernel = rows.Find(r => r.Operation == kernelRows[i].Name)!;
        Console.WriteLine($"{kernelRows[i].Name,-42} {managedRows[i].MicrosecondsPerOp,12:F3} {kernel.MicrosecondsPerOp,12:F3} {managedRows[i].MicrosecondsPerOp / kernel.MicrosecondsPerOp,9:F2}x");
    }
}

double ours = rows[0].MicrosecondsPerOp;
double big = rows[1].MicrosecondsPerOp;
Console.WriteLine($"\nField multiplication: BigInteger baseline is {big / ours:F1}x slower than the Montgomery code.");
Console.WriteLine(JsonSerializer.Serialize(new { rows, bigIntegerOverMontgomery = big / ours }, new JsonSerializerOptions { WriteIndented = true }));
return 0;

Row Measure(string name, int opsPerCall, double? blstMicroseconds, Action action, int perItem = 0)
{
    action(); // warm-up (JIT, static set-up)
    var process = Process.GetCurrentProcess();
    var sw = Stopwatch.StartNew();
    long calls = 0;
    while (sw.Elapsed.TotalSeconds < budgetSeconds / 5)
    {
        action();
        calls++;
    }

    double best = double.MaxValue;
    double bestWall = double.MaxValue;
    for (int round = 0; round < 5; round++)
    {
        long n = Math.Max(1, calls);
        process.Refresh();
        var cpuStart = process.TotalProcessorTime;
        sw.Restart();
        for (long i = 0; i < n; i++)
        {
            action();
        }

        double wall = sw.Elapsed.TotalMicroseconds;
        process.Refresh();
        double cpu = (process.TotalProcessorTime - cpuStart).TotalMicroseconds;

        // Other processes share the machine: CPU time of this process is the fairer figure, unless it is coarser.
        best = Math.Min(best, (cpuTime && cpu > 0 ? cpu : wall) / (n * opsPerCall));
        bestWall = Math.Min(bestWall, wall / (n * opsPerCall));
    }

    var row = new Row(name, 1e6 / best, best, bestWall, blstMicroseconds, blstMicroseconds is { } b ? best / b : null,
        perItem > 0 ? best / perItem : null);
    rows.Add(row);
    Console.Error.WriteLine($"{name}: {best:F3} us");
    return row;
}

// 1000 dependent applications of step (the delegate call is small next to a field operation).
static T Chain<T>(T start, Func<T, T> step)
{
    var x = start;
    for (int i = 0; i < 1000; i++)
    {
        x = step(x);
    }

    return x;
}

static void Check(bool ok)
{
    if (!ok)
    {
        throw new InvalidOperationException("benchmark verification returned false");
    }
}

static PairingInput PairingInputFor(PublicKey pk, Signature sig)
{
    sig.Point.ToAffine(out var x, out var y);
    return new PairingInput(pk.X, pk.Y, x, y);
}

internal sealed record Row(string Operation, double OpsPerSecond, double MicrosecondsPerOp, double WallMicrosecondsPerOp, double? BlstMicroseconds,
    double? RatioToBlst, double? PerItemMicroseconds);
