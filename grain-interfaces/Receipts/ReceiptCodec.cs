// Design: the receipt's bytes are what the worker signs and what a committee will sign, so there is exactly one
// encoding of a receipt and Decode accepts nothing else: a fixed 32-byte domain tag that names the version, then
// every field in a fixed order, integers big-endian and fixed-size, hashes as raw 32 bytes, strings as a 2-byte
// length and strict UTF-8. Decode(Encode(r)) == r and Encode(Decode(b)) == b for every b Decode accepts. A new
// field or order is a new tag (v2), never a change to v1. The layout table is in grain-interfaces/Receipts/README.md.
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Marketplace.GrainInterfaces;

/// <summary>The canonical byte encoding of an <see cref="ExecutionReceipt"/> (version 1) and its hash.</summary>
public static class ReceiptCodec
{
    /// <summary>The bytes every version-1 encoding starts with: ASCII <c>marketplace/execution-receipt/v1</c> (32 bytes).</summary>
    public static ReadOnlySpan<byte> DomainTag => "marketplace/execution-receipt/v1"u8;

    /// <summary>Bytes of every hash field (SHA-256).</summary>
    public const int HashBytes = 32;

    /// <summary>Longest string field, UTF-8 bytes.</summary>
    public const int MaxStringBytes = 256;

    /// <summary>Size of the fixed-size fields and the tag: everything but the five strings' bytes.</summary>
    private const int FixedBytes = 32 + (5 * 2) + 4 + (7 * HashBytes) + 1 + 1 + 8 + 8;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The canonical bytes of <paramref name="receipt"/>. Throws <see cref="ReceiptFormatException"/> when a
    /// field has no canonical encoding (see <see cref="Validate"/>).</summary>
    public static byte[] Encode(ExecutionReceipt receipt)
    {
        Validate(receipt);
        var jobId = Utf8(receipt.JobId, "job_id");
        var programId = Utf8(receipt.ProgramId, "program_id");
        var engineName = Utf8(receipt.EngineName, "engine_name");
        var engineVersion = Utf8(receipt.EngineVersion, "engine_version");
        var workerId = Utf8(receipt.WorkerId, "worker_id");
        var bytes = new byte[FixedBytes + jobId.Length + programId.Length + engineName.Length + engineVersion.Length + workerId.Length];
        var w = new Writer(bytes);
        w.Raw(DomainTag);
        w.String(jobId);
        w.UInt32((uint)receipt.Attempt);
        w.String(programId);
        w.Raw(receipt.WasmHash);
        w.Byte((byte)receipt.Abi);
        w.Raw(receipt.InputHash);
        w.Raw(receipt.InvocationHash);
        w.Raw(receipt.StateRootIn);
        w.Byte((byte)receipt.Outcome);
        w.Raw(receipt.OutputHash);
        w.UInt64((ulong)receipt.FuelConsumed);
        w.Raw(receipt.StateRootOut);
        w.String(engineName);
        w.String(engineVersion);
        w.Raw(receipt.EngineConfigDigest);
        w.String(workerId);
        w.UInt64((ulong)receipt.Timestamp.ToUnixTimeMilliseconds());
        return bytes;
    }

    /// <summary>SHA-256 of <see cref="Encode"/>: the 32 bytes a worker signs.</summary>
    public static byte[] Hash(ExecutionReceipt receipt) => SHA256.HashData(Encode(receipt));

    /// <summary>The bytes every result digest hashes first: ASCII <c>marketplace/execution-result/v1</c> and a zero
    /// byte (32 bytes).</summary>
    public static ReadOnlySpan<byte> ResultDomainTag => "marketplace/execution-result/v1\0"u8;

    /// <summary>
    /// SHA-256 of what a run computed, without who ran it or when: the result domain tag, then the job id, program id,
    /// wasm hash, ABI, input hash, invocation hash, state root in, outcome, output hash, fuel, state root out, engine
    /// name, engine version and engine configuration digest, encoded as in <see cref="Encode"/>. Two honest runs of one
    /// job on one engine configuration have the same digest whatever their attempt, worker and timestamp; two receipts
    /// of one job with different digests disagree on its result.
    /// </summary>
    public static byte[] ResultDigest(ExecutionReceipt receipt)
    {
        Validate(receipt);
        var jobId = Utf8(receipt.JobId, "job_id");
        var programId = Utf8(receipt.ProgramId, "program_id");
        var engineName = Utf8(receipt.EngineName, "engine_name");
        var engineVersion = Utf8(receipt.EngineVersion, "engine_version");
        var bytes = new byte[FixedBytes - 2 - 4 - 8 + jobId.Length + programId.Length + engineName.Length + engineVersion.Length];
        var w = new Writer(bytes);
        w.Raw(ResultDomainTag);
        w.String(jobId);
        w.String(programId);
        w.Raw(receipt.WasmHash);
        w.Byte((byte)receipt.Abi);
        w.Raw(receipt.InputHash);
        w.Raw(receipt.InvocationHash);
        w.Raw(receipt.StateRootIn);
        w.Byte((byte)receipt.Outcome);
        w.Raw(receipt.OutputHash);
        w.UInt64((ulong)receipt.FuelConsumed);
        w.Raw(receipt.StateRootOut);
        w.String(engineName);
        w.String(engineVersion);
        w.Raw(receipt.EngineConfigDigest);
        return SHA256.HashData(bytes);
    }

    /// <summary>The receipt encoded in <paramref name="encoding"/>. Throws <see cref="ReceiptFormatException"/> for a
    /// wrong domain tag, truncation, trailing bytes, a string length of 0 or over <see cref="MaxStringBytes"/>, invalid
    /// UTF-8, an unknown ABI or outcome byte, an attempt of 0 or over 2^31-1, fuel over 2^63-1, or a timestamp past
    /// year 9999.</summary>
    public static ExecutionReceipt Decode(ReadOnlySpan<byte> encoding)
    {
        var r = new Reader(encoding);
        if (!r.Take(DomainTag.Length).SequenceEqual(DomainTag))
        {
            throw new ReceiptFormatException("the encoding does not start with the domain tag marketplace/execution-receipt/v1");
        }

        var receipt = new ExecutionReceipt
        {
            JobId = r.String("job_id"),
            Attempt = Attempt(r.UInt32()),
            ProgramId = r.String("program_id"),
            WasmHash = r.Hash(),
            Abi = Abi(r.Byte()),
            InputHash = r.Hash(),
            InvocationHash = r.Hash(),
            StateRootIn = r.Hash(),
            Outcome = Outcome(r.Byte()),
            OutputHash = r.Hash(),
            FuelConsumed = Fuel(r.UInt64()),
            StateRootOut = r.Hash(),
            EngineName = r.String("engine_name"),
            EngineVersion = r.String("engine_version"),
            EngineConfigDigest = r.Hash(),
            WorkerId = r.String("worker_id"),
            Timestamp = Timestamp(r.UInt64()),
        };
        if (r.Remaining != 0)
        {
            throw new ReceiptFormatException($"{r.Remaining} bytes follow the receipt's last field");
        }

        return receipt;
    }

    /// <summary>Checks that every field of <paramref name="receipt"/> has a canonical encoding: strings of 1 to
    /// <see cref="MaxStringBytes"/> UTF-8 bytes (no lone surrogates), hashes of 32 bytes, a known ABI and outcome, an
    /// attempt of at least 1, fuel of at least 0, and a timestamp from the Unix epoch on, in whole milliseconds.
    /// Throws <see cref="ReceiptFormatException"/> naming the field.</summary>
    public static void Validate(ExecutionReceipt receipt)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        Utf8(receipt.JobId, "job_id");
        Utf8(receipt.ProgramId, "program_id");
        Utf8(receipt.EngineName, "engine_name");
        Utf8(receipt.EngineVersion, "engine_version");
        Utf8(receipt.WorkerId, "worker_id");
        RequireHash(receipt.WasmHash, "wasm_hash");
        RequireHash(receipt.InputHash, "input_hash");
        RequireHash(receipt.InvocationHash, "invocation_hash");
        RequireHash(receipt.StateRootIn, "state_root_in");
        RequireHash(receipt.OutputHash, "output_hash");
        RequireHash(receipt.StateRootOut, "state_root_out");
        RequireHash(receipt.EngineConfigDigest, "engine_config_digest");
        Abi((byte)receipt.Abi);
        Outcome((byte)receipt.Outcome);
        if (receipt.Attempt < 1)
        {
            throw new ReceiptFormatException($"attempt: must be at least 1, got {receipt.Attempt}");
        }

        if (receipt.FuelConsumed < 0)
        {
            throw new ReceiptFormatException($"fuel_consumed: must not be negative, got {receipt.FuelConsumed}");
        }

        if (receipt.Timestamp < DateTimeOffset.UnixEpoch || receipt.Timestamp.UtcTicks % TimeSpan.TicksPerMillisecond != 0)
        {
            throw new ReceiptFormatException($"timestamp: must be whole milliseconds from the Unix epoch on, got {receipt.Timestamp:O}");
        }
    }

    private static byte[] Utf8(string? value, string field)
    {
        if (string.IsNullOrEmpty(value))
        {
            throw new ReceiptFormatException($"{field}: must not be empty");
        }

        byte[] bytes;
        try
        {
            bytes = StrictUtf8.GetBytes(value);
        }
        catch (EncoderFallbackException e)
        {
            throw new ReceiptFormatException($"{field}: is not valid Unicode (a lone surrogate)", e);
        }

        return bytes.Length <= MaxStringBytes
            ? bytes
            : throw new ReceiptFormatException($"{field}: {bytes.Length} UTF-8 bytes, at most {MaxStringBytes}");
    }

    private static void RequireHash(byte[]? hash, string field)
    {
        if (hash is null || hash.Length != HashBytes)
        {
            throw new ReceiptFormatException($"{field}: must be {HashBytes} bytes, got {hash?.Length ?? 0}");
        }
    }

    private static int Attempt(uint value) => value is >= 1 and <= int.MaxValue
        ? (int)value
        : throw new ReceiptFormatException($"attempt: must be 1 to {int.MaxValue}, got {value}");

    private static ReceiptAbi Abi(byte value) => value is (byte)ReceiptAbi.Onvm or (byte)ReceiptAbi.Wasi
        ? (ReceiptAbi)value
        : throw new ReceiptFormatException($"abi: unknown value {value}");

    private static ReceiptOutcome Outcome(byte value) => value is >= (byte)ReceiptOutcome.Completed and <= (byte)ReceiptOutcome.Exited
        ? (ReceiptOutcome)value
        : throw new ReceiptFormatException($"outcome: unknown value {value}");

    private static long Fuel(ulong value) => value <= long.MaxValue
        ? (long)value
        : throw new ReceiptFormatException($"fuel_consumed: {value} is over {long.MaxValue}");

    private static DateTimeOffset Timestamp(ulong value) => value <= (ulong)DateTimeOffset.MaxValue.ToUnixTimeMilliseconds()
        ? DateTimeOffset.FromUnixTimeMilliseconds((long)value)
        : throw new ReceiptFormatException($"timestamp: {value} ms is past the year 9999");

    private ref struct Writer(Span<byte> bytes)
    {
        private readonly Span<byte> _bytes = bytes;
        private int _at;

        public void Raw(ReadOnlySpan<byte> value)
        {
            value.CopyTo(_bytes[_at..]);
            _at += value.Length;
        }

        public void Byte(byte value) => _bytes[_at++] = value;

        public void UInt32(uint value)
        {
            BinaryPrimitives.WriteUInt32BigEndian(_bytes[_at..], value);
            _at += 4;
        }

        public void UInt64(ulong value)
        {
            BinaryPrimitives.WriteUInt64BigEndian(_bytes[_at..], value);
            _at += 8;
        }

        public void String(byte[] utf8)
        {
            BinaryPrimitives.WriteUInt16BigEndian(_bytes[_at..], (ushort)utf8.Length);
            _at += 2;
            Raw(utf8);
        }
    }

    private ref struct Reader(ReadOnlySpan<byte> bytes)
    {
        private readonly ReadOnlySpan<byte> _bytes = bytes;
        private int _at;

        public readonly int Remaining => _bytes.Length - _at;

        public ReadOnlySpan<byte> Take(int count)
        {
            if (Remaining < count)
            {
                throw new ReceiptFormatException($"the encoding ends at byte {_bytes.Length}, {count - Remaining} bytes short of the next field (at byte {_at})");
            }

            var slice = _bytes.Slice(_at, count);
            _at += count;
            return slice;
        }

        public byte Byte() => Take(1)[0];

        public uint UInt32() => BinaryPrimitives.ReadUInt32BigEndian(Take(4));

        public ulong UInt64() => BinaryPrimitives.ReadUInt64BigEndian(Take(8));

        public byte[] Hash() => Take(HashBytes).ToArray();

        public string String(string field)
        {
            var length = BinaryPrimitives.ReadUInt16BigEndian(Take(2));
            if (length is 0 or > MaxStringBytes)
            {
                throw new ReceiptFormatException($"{field}: length {length}, must be 1 to {MaxStringBytes}");
            }

            try
            {
                return StrictUtf8.GetString(Take(length));
            }
            catch (DecoderFallbackException e)
            {
                throw new ReceiptFormatException($"{field}: is not valid UTF-8", e);
            }
        }
    }
}
