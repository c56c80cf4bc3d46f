// Offline receipt verification: what a client pays to check a receipt file with nothing but the file.
// Cases, run round-robin (one call of each per round, so a change of machine load hits every case alike):
//   baseline      Bls.Verify of one signature over a 32-byte message, key and signature already decoded;
//   executor      ReceiptVerifier.VerifySigned: the receipt's canonical encoding hashed, key and signature decoded,
//                 one BLS verify;
//   batch-N       the same for a receipt signed in a batch of N: its leaf, its audit path to the root, the batch's
//                 signed message, then the BLS verify;
//   aggregated-N  a committee of N signers: the receipt hashed and compared, N keys and the aggregate decoded,
//                 Bls.FastAggregateVerify.
// The full aggregated-receipt verifier (members, bitmap, threshold, registry) adds a case here as one more entry of
// `cases` (name and a Func<bool> calling it on an AggregatedReceipt built from the same signers).
// Usage: dotnet run -c Release --project bench/Receipts [-- --rounds 400 --warmup 30]
using System.Diagnostics;
using System.Globalization;
using Marketplace.Crypto.Bls;
using Marketplace.GrainInterfaces;

var rounds = Option("--rounds", 400);
var warmup = Option("--warmup", 30);

var receipt = new ExecutionReceipt
{
    JobId = "job0123456789abcdef0123456789abcdef",
    Attempt = 1,
    ProgramId = "prog" + new string('a', 64),
    WasmHash = Filled(1),
    Abi = ReceiptAbi.Onvm,
    InputHash = Filled(2),
    InvocationHash = ReceiptInvocation.None,
    StateRootIn = Filled(3),
    Outcome = ReceiptOutcome.Completed,
    OutputHash = Filled(4),
    FuelConsumed = 351,
    StateRootOut = Filled(5),
    EngineName = ExecutionReceipt.Wasmtime,
    EngineVersion = "50.0.1",
    EngineConfigDigest = Filled(6),
    WorkerId = "w1",
    Timestamp = DateTimeOffset.FromUnixTimeMilliseconds(1_795_000_000_000),
};
var hash = ReceiptCodec.Hash(receipt);
var keys = Enumerable.Range(0, 5).Select(i => Bls.KeyGen(Filled((byte)(10 + i)))).ToArray();
var publicKeys = keys.Select(k => Bls.SkToPk(k)).ToArray();
var signatures = keys.Select(k => Bls.Sign(k, hash)).ToArray();
var signed = new SignedExecutionReceipt
{
    Receipt = receipt,
    ReceiptHash = hash,
    WorkerPublicKey = publicKeys[0].ToBytes(),
    Signature = signatures[0].ToBytes(),
};
Require(ReceiptVerifier.VerifySigned(signed).IsValid, "the executor receipt does not verify");
var batch64 = Batched(64);
Require(ReceiptVerifier.VerifySigned(batch64).IsValid, "the batch-signed receipt does not verify");

var cases = new List<(string Name, Func<bool> Verify)>
{
    ("baseline: Bls.Verify", () => Bls.Verify(publicKeys[0], hash, signatures[0])),
    ("executor: ReceiptVerifier.VerifySigned", () => ReceiptVerifier.VerifySigned(signed).IsValid),
    ("batch-64: ReceiptVerifier.VerifySigned, receipt 37 of 64", () => ReceiptVerifier.VerifySigned(batch64).IsValid),
    Aggregated(3, decodeKeys: true),
    Aggregated(5, decodeKeys: true),
    Aggregated(3, decodeKeys: false),
    Aggregated(5, decodeKeys: false),
};

var samples = cases.Select(_ => new double[rounds]).ToArray();
for (var round = -warmup; round < rounds; round++)
{
    for (var c = 0; c < cases.Count; c++)
    {
        var started = Stopwatch.GetTimestamp();
        var valid = cases[c].Verify();
        var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        Require(valid, $"{cases[c].Name} did not verify");
        if (round >= 0)
        {
            samples[c][round] = elapsed;
        }
    }
}

Console.WriteLine($"offline receipt verification, {rounds} rounds after {warmup} warm-up rounds, cases round-robin; {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, .NET {Environment.Version}");
Console.WriteLine($"{"case",-58} {"mean ms",9} {"p50 ms",9} {"p99 ms",9} {"p50 / baseline",15}");
var baselineP50 = Percentile(samples[0], 0.50);
for (var c = 0; c < cases.Count; c++)
{
    var p50 = Percentile(samples[c], 0.50);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{cases[c].Name,-58} {samples[c].Average(),9:0.000} {p50,9:0.000} {Percentile(samples[c], 0.99),9:0.000} {p50 / baselineP50,14:0.00}x"));
}

return 0;

// decodeKeys: the signers' keys arrive as bytes (the file's members) and are decoded with their subgroup check on
// every call; without it they come decoded from a registry the verifier keeps.
(string Name, Func<bool> Verify) Aggregated(int signers, bool decodeKeys)
{
    var keyBytes = publicKeys.Take(signers).Select(k => k.ToBytes()).ToArray();
    var cachedKeys = publicKeys.Take(signers).ToArray();
    var aggregate = Bls.Aggregate(signatures.Take(signers).ToArray()).ToBytes();
    return ($"aggregated-{signers}{(decodeKeys ? "" : " (keys cached)")}: hash + FastAggregateVerify", () =>
    {
        if (!ReceiptCodec.Hash(receipt).AsSpan().SequenceEqual(hash))
        {
            return false;
        }

        if (!decodeKeys)
        {
            return Signature.TryFromBytes(aggregate, out var decodedAggregate) && decodedAggregate is not null
                && Bls.FastAggregateVerify(cachedKeys, hash, decodedAggregate);
        }

        var decoded = new PublicKey[keyBytes.Length];
        for (var i = 0; i < keyBytes.Length; i++)
        {
            if (!PublicKey.TryFromBytes(keyBytes[i], out var key) || key is null)
            {
                return false;
            }

            decoded[i] = key;
        }

        return Signature.TryFromBytes(aggregate, out var signature) && signature is not null
            && Bls.FastAggregateVerify(decoded, hash, signature);
    }
    );
}

// Receipt 37 of a batch of n receipts (the bench's receipt among others that differ in fuel) signed by keys[0].
SignedExecutionReceipt Batched(int n)
{
    var hashes = Enumerable.Range(0, n).Select(i => i == 37 ? hash : ReceiptCodec.Hash(new ExecutionReceipt
    {
        JobId = receipt.JobId + i.ToString(CultureInfo.InvariantCulture),
        Attempt = 1,
        ProgramId = receipt.ProgramId,
        WasmHash = receipt.WasmHash,
        Abi = receipt.Abi,
        InputHash = receipt.InputHash,
        InvocationHash = receipt.InvocationHash,
        StateRootIn = receipt.StateRootIn,
        Outcome = receipt.Outcome,
        OutputHash = receipt.OutputHash,
        FuelConsumed = 1000 + i,
        StateRootOut = receipt.StateRootOut,
        EngineName = receipt.EngineName,
        EngineVersion = receipt.EngineVersion,
        EngineConfigDigest = receipt.EngineConfigDigest,
        WorkerId = receipt.WorkerId,
        Timestamp = receipt.Timestamp,
    })).ToList();
    var (root, paths) = ReceiptBatch.Build(hashes);
    return new SignedExecutionReceipt
    {
        Receipt = receipt,
        ReceiptHash = hash,
        WorkerPublicKey = publicKeys[0].ToBytes(),
        Signature = Bls.Sign(keys[0], ReceiptBatch.SigningHash(1, n, root)).ToBytes(),
        Batch = new ReceiptBatchProof { Sequence = 1, Size = n, Index = 37, Path = paths[37], Root = root },
    };
}

int Option(string name, int fallback)
{
    var at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : fallback;
}

static byte[] Filled(byte value) => Enumerable.Repeat(value, 32).ToArray();

static double Percentile(double[] values, double fraction)
{
    var sorted = values.Order().ToArray();
    return sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(fraction * sorted.Length) - 1)];
}

static void Require(bool condition, string message)
{
    if (!condition)
    {
        throw new InvalidOperationException(message);
    }
}
