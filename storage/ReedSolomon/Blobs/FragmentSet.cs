using System.Buffers;
using System.Security.Cryptography;

namespace Marketplace.Storage.ReedSolomon;

/// <summary>
/// The fragments offered to one decode and what is known of each. A fragment becomes active only after a full read
/// that matches the manifest (length, SHA-256 and Merkle root, whose leaf hashes are kept); afterwards each chunk is
/// hashed again when read for its stripe and compared with its leaf, so bytes that changed since the check are caught
/// before they are decoded. A refused fragment is replaced by the next one that passes, as long as any remain.
/// Every method takes <c>useAsync</c>: false runs the stream calls synchronously, so the returned task is complete.
/// </summary>
internal sealed class FragmentSet : IDisposable
{
    private readonly BlobManifest _manifest;
    private readonly IReadOnlyList<Stream?> _streams;
    private readonly FragmentState[] _states;
    private readonly byte[]?[] _leafHashes;
    private readonly bool[] _used;
    private readonly bool[] _loaded;
    private readonly byte[] _buffer;
    private readonly IncrementalHash _chunkHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private int _activeCount;

    public FragmentSet(BlobManifest manifest, IReadOnlyList<Stream?> streams)
    {
        _manifest = manifest;
        _streams = streams;
        var n = manifest.TotalFragments;
        _states = new FragmentState[n];
        _leafHashes = new byte[]?[n];
        _used = new bool[n];
        _loaded = new bool[n];
        Active = new bool[n];
        _buffer = ArrayPool<byte>.Shared.Rent(n * manifest.ChunkSize);
        Shards = new Memory<byte>[n];
        for (var i = 0; i < n; i++)
        {
            _states[i] = streams[i] is null ? FragmentState.Missing : FragmentState.Unchecked;
            Shards[i] = _buffer.AsMemory(i * manifest.ChunkSize, manifest.ChunkSize);
        }
    }

    private enum FragmentState
    {
        Missing,
        Unchecked,
        Good,
        Rejected,
    }

    /// <summary>One chunk-sized buffer per fragment: after <see cref="LoadStripeAsync"/>, the active ones hold the stripe's chunks.</summary>
    public Memory<byte>[] Shards { get; }

    /// <summary>Exactly k flags are true after <see cref="LoadStripeAsync"/>: the fragments whose chunk is loaded and checked.</summary>
    public bool[] Active { get; }

    /// <summary>Loads and checks chunk <paramref name="stripe"/> of k good fragments, replacing any refused on the way.</summary>
    public async ValueTask LoadStripeAsync(int stripe, bool useAsync, CancellationToken cancellationToken)
    {
        Array.Clear(_loaded);
        while (true)
        {
            await FillActiveAsync(useAsync, cancellationToken).ConfigureAwait(false);
            var complete = true;
            for (var i = 0; i < Active.Length; i++)
            {
                if (!Active[i] || _loaded[i])
                {
                    continue;
                }

                if (await ReadChunkAsync(i, stripe, useAsync, cancellationToken).ConfigureAwait(false))
                {
                    _loaded[i] = true;
                    _used[i] = true;
                }
                else
                {
                    Reject(i);
                    complete = false;
                }
            }

            if (complete)
            {
                return;
            }
        }
    }

    /// <summary>The fragments refused and used so far.</summary>
    public BlobDecodeReport Report()
    {
        var rejected = new List<int>();
        var used = new List<int>();
        for (var i = 0; i < _states.Length; i++)
        {
            if (_states[i] == FragmentState.Rejected)
            {
                rejected.Add(i);
            }

            if (_used[i])
            {
                used.Add(i);
            }
        }

        return new BlobDecodeReport([.. rejected], [.. used]);
    }

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_buffer);
        _chunkHash.Dispose();
    }

    // Activates unchecked fragments, data fragments first (they need no decoding), until k are active.
    private async ValueTask FillActiveAsync(bool useAsync, CancellationToken cancellationToken)
    {
        for (var i = 0; i < _states.Length && _activeCount < _manifest.DataFragments; i++)
        {
            if (_states[i] != FragmentState.Unchecked)
            {
                continue;
            }

            if (await CheckWholeAsync(i, useAsync, cancellationToken).ConfigureAwait(false))
            {
                _states[i] = FragmentState.Good;
                Active[i] = true;
                _activeCount++;
            }
            else
            {
                _states[i] = FragmentState.Rejected;
            }
        }

        if (_activeCount < _manifest.DataFragments)
        {
            var report = Report();
            throw new ErasureCodingException(ErasureCodingError.NotEnoughShards,
                $"Only {_activeCount} intact fragments remain of {_manifest.TotalFragments}; {_manifest.DataFragments} are needed. "
                + $"Refused: [{string.Join(", ", report.RejectedFragments)}]; not offered: {CountMissing()}.");
        }
    }

    // Reads the whole fragment: length, leaf hashes, Merkle root and SHA-256 must match the manifest.
    private async ValueTask<bool> CheckWholeAsync(int index, bool useAsync, CancellationToken cancellationToken)
    {
        var stream = _streams[index]!;
        var chunkSize = _manifest.ChunkSize;
        var leaves = new byte[_manifest.ChunkCount * ChunkMerkleTree.HashSize];
        var scratch = Shards[index];
        using var fragmentHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        try
        {
            if (stream.Length != _manifest.FragmentLength)
            {
                return false;
            }

            stream.Seek(0, SeekOrigin.Begin);
            for (var chunk = 0; chunk < _manifest.ChunkCount; chunk++)
            {
                if (await ReadExactlyAsync(stream, scratch, useAsync, cancellationToken).ConfigureAwait(false) < chunkSize)
                {
                    return false;
                }

                fragmentHash.AppendData(scratch.Span);
                ChunkMerkleTree.HashLeaf(_chunkHash, scratch.Span, leaves.AsSpan(chunk * ChunkMerkleTree.HashSize));
            }

            // Bytes past the stated length make it another fragment, whatever Length said.
            if (await ReadExactlyAsync(stream, scratch[..1], useAsync, cancellationToken).ConfigureAwait(false) != 0)
            {
                return false;
            }
        }
        catch (IOException)
        {
            return false;
        }

        Span<byte> sha = stackalloc byte[ChunkMerkleTree.HashSize];
        fragmentHash.GetHashAndReset(sha);
        var digest = _manifest.Fragments[index];
        if (!CryptographicOperations.FixedTimeEquals(sha, digest.Sha256.Span)
            || !CryptographicOperations.FixedTimeEquals(ChunkMerkleTree.FromLeafHashes(leaves).Root, digest.MerkleRoot.Span))
        {
            return false;
        }

        _leafHashes[index] = leaves;
        return true;
    }

    // Reads chunk `stripe` of an active fragment into its shard buffer and compares its hash with the checked leaf.
    private async ValueTask<bool> ReadChunkAsync(int index, int stripe, bool useAsync, CancellationToken cancellationToken)
    {
        var stream = _streams[index]!;
        var shard = Shards[index];
        try
        {
            var position = (long)stripe * _manifest.ChunkSize;
            if (stream.Position != position)
            {
                stream.Seek(position, SeekOrigin.Begin);
            }

            if (await ReadExactlyAsync(stream, shard, useAsync, cancellationToken).ConfigureAwait(false) < shard.Length)
            {
                return false;
            }
        }
        catch (IOException)
        {
            return false;
        }

        Span<byte> leaf = stackalloc byte[ChunkMerkleTree.HashSize];
        ChunkMerkleTree.HashLeaf(_chunkHash, shard.Span, leaf);
        return CryptographicOperations.FixedTimeEquals(leaf, _leafHashes[index].AsSpan(stripe * ChunkMerkleTree.HashSize, ChunkMerkleTree.HashSize));
    }

    private void Reject(int index)
    {
        _states[index] = FragmentState.Rejected;
        Active[index] = false;
        _activeCount--;
    }

    private int CountMissing()
    {
        var missing = 0;
        foreach (var state in _states)
        {
            missing += state == FragmentState.Missing ? 1 : 0;
        }

        return missing;
    }

    private static async ValueTask<int> ReadExactlyAsync(Stream stream, Memory<byte> buffer, bool useAsync, CancellationToken cancellationToken) =>
        useAsync
            ? await stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false)
            : stream.ReadAtLeast(buffer.Span, buffer.Length, throwOnEndOfStream: false);
}
