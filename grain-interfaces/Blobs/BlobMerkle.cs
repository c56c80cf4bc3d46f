using System.Buffers;
using System.Security.Cryptography;

namespace Marketplace.GrainInterfaces;

/// <summary>
/// The Merkle tree that names a blob, and the verifiers clients use.
/// </summary>
/// <remarks>
/// <para>The tree is the Merkle Tree Hash of RFC 6962 section 2.1 over the ordered list of 32-byte chunk hashes
/// <c>c[0..n)</c> (each <c>c[i] = SHA-256(chunk i bytes)</c>), with SHA-256 and one-byte domain separation:</para>
/// <list type="bullet">
/// <item><c>leaf(i) = SHA-256(0x00 ‖ c[i])</c></item>
/// <item><c>node(l, r) = SHA-256(0x01 ‖ l ‖ r)</c></item>
/// <item>level by level from the leaves, neighbours (0,1), (2,3), … are combined with <c>node</c>; an odd last node is
/// promoted to the next level unchanged; the single node left is the root.</item>
/// </list>
/// <para>The blob id is <c>blob</c> + the root in lowercase hex. A one-chunk blob's root is <c>leaf(0)</c>. Because leaves
/// and nodes hash different prefixes and the shape is fixed by <c>n</c>, two different chunk lists (of any lengths)
/// share a root only through a SHA-256 collision. The same content (with the same chunk size) always gives the same id.</para>
/// <para>An inclusion proof (<see cref="ChunkProof"/>) lists the sibling hashes from the leaf level upward, skipping the
/// levels where the node was promoted; <see cref="VerifyProof"/> recomputes the root from the chunk hash, index, chunk
/// count and siblings.</para>
/// </remarks>
public static class BlobMerkle
{
    /// <summary>Domain-separation byte hashed before a chunk hash to make a leaf.</summary>
    public const byte LeafPrefix = 0x00;

    /// <summary>Domain-separation byte hashed before two child hashes to make an inner node.</summary>
    public const byte NodePrefix = 0x01;

    private const int HashBytes = 32;

    /// <summary>SHA-256 of <paramref name="chunk"/> as 64 lowercase hex: a chunk's hash and chunk-store address.</summary>
    public static string HashChunk(ReadOnlySpan<byte> chunk)
    {
        Span<byte> hash = stackalloc byte[HashBytes];
        SHA256.HashData(chunk, hash);
        return Convert.ToHexStringLower(hash);
    }

    /// <summary>The blob id <paramref name="content"/> gets when it is stored in chunks of <paramref name="chunkSize"/>
    /// bytes (the last one shorter): what a store of those bytes will name them, before they are stored.</summary>
    /// <exception cref="ArgumentException">The content is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The chunk size is not positive.</exception>
    public static string ComputeBlobId(ReadOnlySpan<byte> content, int chunkSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(chunkSize);
        if (content.IsEmpty)
        {
            throw new ArgumentException("A blob has at least one byte.", nameof(content));
        }

        var hashes = new string[(content.Length + chunkSize - 1) / chunkSize];
        for (var i = 0; i < hashes.Length; i++)
        {
            var offset = i * chunkSize;
            hashes[i] = HashChunk(content.Slice(offset, Math.Min(chunkSize, content.Length - offset)));
        }

        return ComputeBlobId(hashes);
    }

    /// <summary>The blob id of the ordered chunk hashes (64 lowercase hex each).</summary>
    /// <exception cref="ArgumentException">The list is empty or a hash is not 64 lowercase hex.</exception>
    public static string ComputeBlobId(IReadOnlyList<string> chunkHashes)
    {
        ArgumentNullException.ThrowIfNull(chunkHashes);
        var n = chunkHashes.Count;
        if (n == 0)
        {
            throw new ArgumentException("A blob has at least one chunk.", nameof(chunkHashes));
        }

        var level = ArrayPool<byte>.Shared.Rent(n * HashBytes);
        try
        {
            for (var i = 0; i < n; i++)
            {
                if (!TryDecodeHash(chunkHashes[i], level.AsSpan(i * HashBytes, HashBytes)))
                {
                    throw new ArgumentException($"Chunk hash {i} '{chunkHashes[i]}' is not 64 lowercase hex digits.", nameof(chunkHashes));
                }
            }

            return BlobIds.FromRoot(ReduceToRoot(level, n, -1, null));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(level);
        }
    }

    /// <summary>
    /// True when <paramref name="manifest"/> is self-consistent: a canonical id equal to the root over its chunk hashes,
    /// at least one chunk, chunks of positive size laid end to end from offset 0, and sizes adding up to
    /// <see cref="BlobManifest.Size"/>. A client that asked for id X and checks this (and that the id is X) can trust
    /// every chunk hash in the manifest.
    /// </summary>
    public static bool VerifyManifest(BlobManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var chunks = manifest.Chunks;
        if (!BlobIds.IsValid(manifest.Id) || chunks is null || chunks.Count == 0)
        {
            return false;
        }

        long offset = 0;
        var level = ArrayPool<byte>.Shared.Rent(chunks.Count * HashBytes);
        try
        {
            for (var i = 0; i < chunks.Count; i++)
            {
                var chunk = chunks[i];
                if (chunk is null || chunk.Offset != offset || chunk.Size <= 0
                    || !TryDecodeHash(chunk.Hash, level.AsSpan(i * HashBytes, HashBytes)))
                {
                    return false;
                }

                offset += chunk.Size;
            }

            if (offset != manifest.Size)
            {
                return false;
            }

            Span<byte> expected = stackalloc byte[HashBytes];
            return BlobIds.TryGetRoot(manifest.Id, expected) && expected.SequenceEqual(ReduceToRoot(level, chunks.Count, -1, null));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(level);
        }
    }

    /// <summary>
    /// True when <paramref name="proof"/> shows that a chunk with hash <see cref="ChunkProof.ChunkHash"/> is chunk
    /// <see cref="ChunkProof.Index"/> of <see cref="ChunkProof.ChunkCount"/> in blob <see cref="ChunkProof.BlobId"/>.
    /// False for any malformed field (bad hex, index out of range, too many or too few siblings).
    /// </summary>
    public static bool VerifyProof(ChunkProof proof)
    {
        ArgumentNullException.ThrowIfNull(proof);
        var count = proof.ChunkCount;
        var index = proof.Index;
        var siblings = proof.Siblings;
        if (count <= 0 || index < 0 || index >= count || siblings is null)
        {
            return false;
        }

        Span<byte> root = stackalloc byte[HashBytes];
        Span<byte> input = stackalloc byte[1 + (2 * HashBytes)];
        Span<byte> node = stackalloc byte[HashBytes];
        Span<byte> sibling = stackalloc byte[HashBytes];
        if (!BlobIds.TryGetRoot(proof.BlobId, root) || !TryDecodeHash(proof.ChunkHash, input.Slice(1, HashBytes)))
        {
            return false;
        }

        input[0] = LeafPrefix;
        SHA256.HashData(input[..(1 + HashBytes)], node);
        var used = 0;
        input[0] = NodePrefix;
        while (count > 1)
        {
            var hasLeft = (index & 1) == 1;
            var hasRight = !hasLeft && index + 1 < count;
            if (hasLeft || hasRight)
            {
                if (used == siblings.Count || !TryDecodeHash(siblings[used], sibling))
                {
                    return false;
                }

                used++;
                (hasLeft ? sibling : node).CopyTo(input.Slice(1, HashBytes));
                (hasLeft ? node : sibling).CopyTo(input.Slice(1 + HashBytes, HashBytes));
                SHA256.HashData(input, node);
            }

            index >>= 1;
            count = (count + 1) >> 1;
        }

        return used == siblings.Count && node.SequenceEqual(root);
    }

    /// <summary>True when <paramref name="chunk"/> hashes to <see cref="ChunkProof.ChunkHash"/> and the proof verifies:
    /// these bytes are chunk <see cref="ChunkProof.Index"/> of the blob.</summary>
    public static bool VerifyChunk(ChunkProof proof, ReadOnlySpan<byte> chunk)
    {
        ArgumentNullException.ThrowIfNull(proof);
        return string.Equals(HashChunk(chunk), proof.ChunkHash, StringComparison.Ordinal) && VerifyProof(proof);
    }

    /// <summary>The inclusion proof of chunk <paramref name="index"/> in a blob with these chunks (which must be
    /// valid: the caller holds a verified manifest).</summary>
    internal static ChunkProof CreateProof(string blobId, IReadOnlyList<ChunkRef> chunks, int index)
    {
        var n = chunks.Count;
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, n);
        var level = ArrayPool<byte>.Shared.Rent(n * HashBytes);
        try
        {
            for (var i = 0; i < n; i++)
            {
                if (!TryDecodeHash(chunks[i].Hash, level.AsSpan(i * HashBytes, HashBytes)))
                {
                    throw new ArgumentException($"Chunk hash {i} '{chunks[i].Hash}' is not 64 lowercase hex digits.", nameof(chunks));
                }
            }

            var siblings = new List<string>();
            ReduceToRoot(level, n, index, siblings);
            return new ChunkProof
            {
                BlobId = blobId,
                Index = index,
                ChunkCount = n,
                ChunkHash = chunks[index].Hash,
                Siblings = siblings,
            };
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(level);
        }
    }

    /// <summary>
    /// Turns the <paramref name="n"/> chunk hashes at the start of <paramref name="level"/> into the root, in place (the
    /// buffer is overwritten level by level). When <paramref name="siblings"/> is given, collects the proof path of
    /// leaf <paramref name="index"/>.
    /// </summary>
    private static byte[] ReduceToRoot(byte[] level, int n, int index, List<string>? siblings)
    {
        Span<byte> input = stackalloc byte[1 + (2 * HashBytes)];
        input[0] = LeafPrefix;
        for (var i = 0; i < n; i++)
        {
            var slot = level.AsSpan(i * HashBytes, HashBytes);
            slot.CopyTo(input[1..]);
            SHA256.HashData(input[..(1 + HashBytes)], slot);
        }

        input[0] = NodePrefix;
        var count = n;
        while (count > 1)
        {
            if (siblings is not null)
            {
                var sibling = (index & 1) == 1 ? index - 1 : index + 1;
                if (sibling < count)
                {
                    siblings.Add(Convert.ToHexStringLower(level.AsSpan(sibling * HashBytes, HashBytes)));
                }

                index >>= 1;
            }

            var next = 0;
            for (var i = 0; i + 1 < count; i += 2)
            {
                level.AsSpan(i * HashBytes, 2 * HashBytes).CopyTo(input[1..]);
                SHA256.HashData(input, level.AsSpan(next * HashBytes, HashBytes));
                next++;
            }

            if ((count & 1) == 1)
            {
                level.AsSpan((count - 1) * HashBytes, HashBytes).CopyTo(level.AsSpan(next * HashBytes, HashBytes));
                next++;
            }

            count = next;
        }

        return level.AsSpan(0, HashBytes).ToArray();
    }

    private static bool TryDecodeHash(string? hex, Span<byte> destination) =>
        BlobIds.IsValidChunkHash(hex)
        && Convert.FromHexString(hex, destination, out _, out var written) == OperationStatus.Done
        && written == HashBytes;
}
