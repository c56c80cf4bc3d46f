// Design: a worker must never sign two different results for one job, not even across a crash. So before any BLS
// signature the signer appends an intent record (job id, result digest, message hash) to an append-only file and
// fsyncs it (FileStream.Flush(flushToDisk: true)); only after the fsync returns does the signature leave the signer (a
// batch's signature is computed while the fsync waits for the disk, and held in memory until it returns). A crash
// between the fsync and the signature leaves an intent without a signature, which only makes the worker stricter:
// after restart it still refuses another result for that job. The reverse order (sign, then record) could lose the
// record of a signature that already left. Records are checksummed; on open a torn last record (a crash mid-append)
// is cut off, while a bad record followed by more data is corruption and stops the worker, because forgetting what
// it signed is the one thing it must not do. The file format is documented in grains/Workers/README.md.
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Marketplace.Grains.Workers;

/// <summary>
/// One worker's durable record of what it is about to sign (<c>{folder}/{workerId}.intents</c>): which result (by
/// <see cref="GrainInterfaces.ReceiptCodec.ResultDigest"/>) it claims for which job. <see cref="Record"/> refuses a
/// second, different result for a job it already claimed one for, across restarts.
/// </summary>
/// <remarks>
/// Memory is bounded: the last <c>maxIndexedJobs</c> jobs' digests are held in a dictionary, and every job ever
/// recorded sets 4 bits of a fixed 1 MiB Bloom filter. A job that left the dictionary but may be in the filter is
/// looked up by reading the file once (a rare path: only a job this worker claimed long ago, or a filter false
/// positive, which stays under 1 % up to about 900,000 jobs). Correctness never depends on the bound; only the cost of
/// such a lookup does. The file grows by about 120 bytes per claimed job and is never rewritten.
/// </remarks>
internal sealed class SignIntentLog : IDisposable
{
    /// <summary>Jobs whose digests stay in memory by default.</summary>
    public const int DefaultMaxIndexedJobs = 65_536;

    private const int DigestBytes = 32;
    private const int ChecksumBytes = 8;
    private const int LengthBytes = 4;
    private const int MaxJobIdBytes = 256;
    private const int MaxPayloadBytes = 2 + MaxJobIdBytes + DigestBytes + DigestBytes;
    private const int BatchPayloadBytes = 2 + 8 + DigestBytes + DigestBytes;
    private const int BloomBits = 1 << 23;
    private const int BloomHashes = 4;

    private readonly Lock _gate = new();
    private readonly string _path;
    private readonly FileStream _file;
    private readonly int _maxIndexedJobs;
    private readonly Dictionary<string, byte[]> _recent = new(StringComparer.Ordinal);
    private readonly Queue<string> _order = new();
    private readonly ulong[] _bloom = new ulong[BloomBits / 64];
    private bool _forgotAny;

    private SignIntentLog(string path, FileStream file, int maxIndexedJobs)
    {
        _path = path;
        _file = file;
        _maxIndexedJobs = maxIndexedJobs;
    }

    /// <summary>The log's file.</summary>
    public string Path => _path;

    /// <summary>Bytes of a torn last record cut off when the log was opened (0 after a clean stop).</summary>
    public long TornBytesDropped { get; private set; }

    /// <summary>Records read back when the log was opened.</summary>
    public int RecordsRead { get; private set; }

    /// <summary>The sequence number of the last batch the log recorded (0 when none): the next batch is numbered above
    /// it.</summary>
    public long LastBatchSequence { get; private set; }

    /// <summary>
    /// Opens (or creates) the log of <paramref name="workerId"/> in <paramref name="folder"/> and reads it back. Throws
    /// <see cref="SignIntentLogCorruptException"/> when a record other than the last is damaged.
    /// </summary>
    public static SignIntentLog Open(string folder, string workerId, int maxIndexedJobs = DefaultMaxIndexedJobs)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxIndexedJobs, 1);
        Directory.CreateDirectory(folder);
        var path = System.IO.Path.Combine(folder, workerId + ".intents");
        var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.Read };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        var file = new FileStream(path, options);
        var log = new SignIntentLog(path, file, maxIndexedJobs);
        try
        {
            log.ReadBack();
        }
        catch
        {
            file.Dispose();
            throw;
        }

        return log;
    }

    /// <summary>
    /// Durably records that the worker is about to sign <paramref name="messageHash"/> claiming result
    /// <paramref name="resultDigest"/> for <paramref name="jobId"/>; returns only after the record is on disk. Throws
    /// <see cref="DoubleSignRefusedException"/>, recording nothing, when the log holds another result for the job. A
    /// job already claimed with the same result is not recorded again (the claim is the same).
    /// </summary>
    public void Record(string jobId, ReadOnlySpan<byte> resultDigest, ReadOnlySpan<byte> messageHash)
    {
        ArgumentException.ThrowIfNullOrEmpty(jobId);
        if (resultDigest.Length != DigestBytes || messageHash.Length != DigestBytes)
        {
            throw new ArgumentException("the result digest and the message hash must be 32 bytes each");
        }

        var jobIdBytes = Encoding.UTF8.GetBytes(jobId);
        if (jobIdBytes.Length > MaxJobIdBytes)
        {
            throw new ArgumentException($"job id of {jobIdBytes.Length} UTF-8 bytes, at most {MaxJobIdBytes}", nameof(jobId));
        }

        lock (_gate)
        {
            if (Find(jobId) is { } claimed)
            {
                if (claimed.AsSpan().SequenceEqual(resultDigest))
                {
                    return;
                }

                throw new DoubleSignRefusedException(jobId, claimed, resultDigest.ToArray());
            }

            var record = Encode(jobIdBytes, resultDigest, messageHash);
            _file.Write(record);
            _file.Flush(flushToDisk: true);
            Remember(jobId, resultDigest.ToArray());
        }
    }

    /// <summary>
    /// Durably records a batch of claims in one append and one fsync. Claims that conflict with a result already
    /// claimed for their job (or with an earlier claim of the same job in this batch) are refused and left out;
    /// <paramref name="seal"/> is then called, under the log's lock, with which claims stay and the sequence number the
    /// batch gets (<see cref="LastBatchSequence"/> + 1), and answers the message hash the worker will sign and the batch
    /// root (null for a claim signed alone, which uses no sequence number). Returns which claims were recorded, and
    /// for each refused one the claim it conflicts with; nothing is written when every claim is refused.
    /// </summary>
    public (bool[] Accepted, DoubleSignRefusedException?[] Refusals, long Sequence) RecordBatch(
        IReadOnlyList<(string JobId, byte[] Digest)> claims, Func<bool[], long, (byte[] MessageHash, byte[]? Root)> seal)
    {
        ArgumentNullException.ThrowIfNull(claims);
        ArgumentNullException.ThrowIfNull(seal);
        var accepted = new bool[claims.Count];
        var refusals = new DoubleSignRefusedException?[claims.Count];
        var fresh = new bool[claims.Count];
        var jobIds = new byte[claims.Count][];
        lock (_gate)
        {
            var inBatch = new Dictionary<string, byte[]>(StringComparer.Ordinal);
            var any = false;
            for (var i = 0; i < claims.Count; i++)
            {
                var (jobId, digest) = claims[i];
                ArgumentException.ThrowIfNullOrEmpty(jobId);
                if (digest.Length != DigestBytes)
                {
                    throw new ArgumentException("a result digest is 32 bytes", nameof(claims));
                }

                jobIds[i] = Encoding.UTF8.GetBytes(jobId);
                if (jobIds[i].Length > MaxJobIdBytes)
                {
                    throw new ArgumentException($"job id of {jobIds[i].Length} UTF-8 bytes, at most {MaxJobIdBytes}", nameof(claims));
                }

                var claimed = inBatch.TryGetValue(jobId, out var earlier) ? earlier : Find(jobId);
                if (claimed is not null && !claimed.AsSpan().SequenceEqual(digest))
                {
                    refusals[i] = new DoubleSignRefusedException(jobId, claimed, digest);
                    continue;
                }

                accepted[i] = true;
                any = true;
                fresh[i] = claimed is null;
                inBatch[jobId] = digest;
            }

            if (!any)
            {
                return (accepted, refusals, 0);
            }

            var sequence = LastBatchSequence + 1;
            var (messageHash, root) = seal(accepted, sequence);
            using var buffer = new MemoryStream();
            for (var i = 0; i < claims.Count; i++)
            {
                if (fresh[i])
                {
                    buffer.Write(Encode(jobIds[i], claims[i].Digest, messageHash));
                }
            }

            if (root is not null)
            {
                buffer.Write(EncodeBatch(sequence, root, messageHash));
            }

            _file.Write(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
            _file.Flush(flushToDisk: true);
            for (var i = 0; i < claims.Count; i++)
            {
                if (fresh[i])
                {
                    Remember(claims[i].JobId, claims[i].Digest);
                }
            }

            if (root is null)
            {
                return (accepted, refusals, 0);
            }

            LastBatchSequence = sequence;
            return (accepted, refusals, sequence);
        }
    }

    /// <summary>
    /// Durably records that the worker signs batch <paramref name="sequence"/> with <paramref name="root"/>. Throws
    /// <see cref="BatchSequenceRefusedException"/>, writing nothing, unless the sequence is above every batch recorded
    /// so far: a worker never signs two roots under one sequence number.
    /// </summary>
    public void RecordBatchRoot(long sequence, ReadOnlySpan<byte> root, ReadOnlySpan<byte> messageHash)
    {
        if (root.Length != DigestBytes || messageHash.Length != DigestBytes)
        {
            throw new ArgumentException("a batch root and its message hash are 32 bytes each");
        }

        lock (_gate)
        {
            if (sequence <= LastBatchSequence)
            {
                throw new BatchSequenceRefusedException(sequence, LastBatchSequence);
            }

            _file.Write(EncodeBatch(sequence, root, messageHash));
            _file.Flush(flushToDisk: true);
            LastBatchSequence = sequence;
        }
    }

    /// <inheritdoc />
    public void Dispose() => _file.Dispose();

    private static byte[] EncodeBatch(long sequence, ReadOnlySpan<byte> root, ReadOnlySpan<byte> messageHash)
    {
        var record = new byte[LengthBytes + BatchPayloadBytes + ChecksumBytes];
        BinaryPrimitives.WriteUInt32BigEndian(record, BatchPayloadBytes);
        BinaryPrimitives.WriteUInt16BigEndian(record.AsSpan(LengthBytes), 0);
        BinaryPrimitives.WriteInt64BigEndian(record.AsSpan(LengthBytes + 2), sequence);
        root.CopyTo(record.AsSpan(LengthBytes + 2 + 8));
        messageHash.CopyTo(record.AsSpan(LengthBytes + 2 + 8 + DigestBytes));
        Checksum(record.AsSpan(0, LengthBytes + BatchPayloadBytes)).CopyTo(record.AsSpan(LengthBytes + BatchPayloadBytes));
        return record;
    }

    private static byte[] Encode(ReadOnlySpan<byte> jobId, ReadOnlySpan<byte> digest, ReadOnlySpan<byte> messageHash)
    {
        var payload = 2 + jobId.Length + DigestBytes + DigestBytes;
        var record = new byte[LengthBytes + payload + ChecksumBytes];
        BinaryPrimitives.WriteUInt32BigEndian(record, (uint)payload);
        BinaryPrimitives.WriteUInt16BigEndian(record.AsSpan(LengthBytes), (ushort)jobId.Length);
        jobId.CopyTo(record.AsSpan(LengthBytes + 2));
        digest.CopyTo(record.AsSpan(LengthBytes + 2 + jobId.Length));
        messageHash.CopyTo(record.AsSpan(LengthBytes + 2 + jobId.Length + DigestBytes));
        Checksum(record.AsSpan(0, LengthBytes + payload)).CopyTo(record.AsSpan(LengthBytes + payload));
        return record;
    }

    private static byte[] Checksum(ReadOnlySpan<byte> lengthAndPayload) => SHA256.HashData(lengthAndPayload)[..ChecksumBytes];

    private void ReadBack()
    {
        var length = _file.Length;
        long good = 0;
        using (var reader = new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 64 * 1024))
        {
            while (good < length)
            {
                var (status, record) = ReadRecord(reader, length - good);
                if (status == RecordStatus.Valid)
                {
                    if (record.JobId is { } jobId)
                    {
                        Remember(jobId, record.Digest);
                    }
                    else
                    {
                        LastBatchSequence = Math.Max(LastBatchSequence, record.Sequence);
                    }

                    RecordsRead++;
                    good += record.Size;
                    continue;
                }

                if (status == RecordStatus.Torn)
                {
                    break;
                }

                throw new SignIntentLogCorruptException(
                    $"The sign-intent log {_path} is damaged at byte {good} of {length}: a record fails its checksum and more records follow. " +
                    "The worker stops rather than forget what it signed: restore the file from a backup, or retire the worker and register it under a new id with a new key.");
            }
        }

        if (good < length)
        {
            TornBytesDropped = length - good;
            _file.SetLength(good);
            _file.Flush(flushToDisk: true);
        }

        _file.Position = good;
    }

    private static (RecordStatus Status, ParsedRecord Record) ReadRecord(Stream reader, long remaining)
    {
        Span<byte> header = stackalloc byte[LengthBytes];
        if (remaining < LengthBytes + 2 + DigestBytes + DigestBytes + ChecksumBytes || reader.ReadAtLeast(header, LengthBytes, throwOnEndOfStream: false) < LengthBytes)
        {
            return (RecordStatus.Torn, default);
        }

        var payload = BinaryPrimitives.ReadUInt32BigEndian(header);
        if (payload < 2 + 1 + DigestBytes + DigestBytes || payload > MaxPayloadBytes)
        {
            // A length no writer produces: zeros or garbage a crash left at the end, or damage in the middle.
            return (AllZero(reader, remaining - LengthBytes) && header.IndexOfAnyExcept((byte)0) < 0 ? RecordStatus.Torn : RecordStatus.Corrupt, default);
        }

        var size = LengthBytes + (int)payload + ChecksumBytes;
        if (size > remaining)
        {
            return (RecordStatus.Torn, default);
        }

        var bytes = new byte[size];
        header.CopyTo(bytes);
        reader.ReadExactly(bytes.AsSpan(LengthBytes));
        var body = bytes.AsSpan(LengthBytes, (int)payload);
        var jobIdLength = BinaryPrimitives.ReadUInt16BigEndian(body);
        var sumOk = Checksum(bytes.AsSpan(0, LengthBytes + (int)payload)).AsSpan().SequenceEqual(bytes.AsSpan(LengthBytes + (int)payload));
        if (sumOk && jobIdLength == 0 && payload == BatchPayloadBytes)
        {
            // A batch record: the sequence number and root the worker signed a batch under.
            return (RecordStatus.Valid, new ParsedRecord(null, [], size, BinaryPrimitives.ReadInt64BigEndian(body[2..])));
        }

        if (!sumOk || jobIdLength != payload - 2 - DigestBytes - DigestBytes)
        {
            // The last record may be torn (its end reached the disk before its middle, or the file was extended with
            // zeros the crash never overwrote); a bad record with real data after it is damage.
            return (size == remaining || AllZero(reader, remaining - size) ? RecordStatus.Torn : RecordStatus.Corrupt, default);
        }

        var jobId = Encoding.UTF8.GetString(body.Slice(2, jobIdLength));
        var digest = body.Slice(2 + jobIdLength, DigestBytes).ToArray();
        return (RecordStatus.Valid, new ParsedRecord(jobId, digest, size, 0));
    }

    private static bool AllZero(Stream reader, long count)
    {
        Span<byte> buffer = stackalloc byte[4096];
        while (count > 0)
        {
            var read = reader.Read(buffer[..(int)Math.Min(buffer.Length, count)]);
            if (read == 0)
            {
                return true;
            }

            if (buffer[..read].IndexOfAnyExcept((byte)0) >= 0)
            {
                return false;
            }

            count -= read;
        }

        return true;
    }

    private byte[]? Find(string jobId)
    {
        if (_recent.TryGetValue(jobId, out var digest))
        {
            return digest;
        }

        return _forgotAny && MayContain(jobId) ? Scan(jobId) : null;
    }

    private byte[]? Scan(string jobId)
    {
        var end = _file.Position;
        using var reader = new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 64 * 1024);
        long at = 0;
        while (at < end)
        {
            var (status, record) = ReadRecord(reader, end - at);
            if (status != RecordStatus.Valid)
            {
                throw new SignIntentLogCorruptException($"The sign-intent log {_path} changed under the worker: byte {at} no longer holds a valid record.");
            }

            if (string.Equals(record.JobId, jobId, StringComparison.Ordinal))
            {
                return record.Digest;
            }

            at += record.Size;
        }

        return null;
    }

    private void Remember(string jobId, byte[] digest)
    {
        if (!_recent.TryAdd(jobId, digest))
        {
            return;
        }

        _order.Enqueue(jobId);
        AddToBloom(jobId);
        while (_order.Count > _maxIndexedJobs)
        {
            _recent.Remove(_order.Dequeue());
            _forgotAny = true;
        }
    }

    private void AddToBloom(string jobId)
    {
        Span<byte> hash = stackalloc byte[32];
        BloomHash(jobId, hash);
        for (var i = 0; i < BloomHashes; i++)
        {
            var bit = BinaryPrimitives.ReadUInt32LittleEndian(hash[(i * 4)..]) % BloomBits;
            _bloom[bit / 64] |= 1UL << (int)(bit % 64);
        }
    }

    private bool MayContain(string jobId)
    {
        Span<byte> hash = stackalloc byte[32];
        BloomHash(jobId, hash);
        for (var i = 0; i < BloomHashes; i++)
        {
            var bit = BinaryPrimitives.ReadUInt32LittleEndian(hash[(i * 4)..]) % BloomBits;
            if ((_bloom[bit / 64] & (1UL << (int)(bit % 64))) == 0)
            {
                return false;
            }
        }

        return true;
    }

    private static void BloomHash(string jobId, Span<byte> hash) => SHA256.HashData(Encoding.UTF8.GetBytes(jobId), hash);

    private enum RecordStatus
    {
        Valid,
        Torn,
        Corrupt,
    }

    private readonly record struct ParsedRecord(string? JobId, byte[] Digest, int Size, long Sequence);
}
