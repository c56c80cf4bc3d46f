// One blob: its record in grain state (the default storage) holds the manifest and who may read the blob; its bytes
// are in the chunk store (IChunkStore). Every read goes to disk and verifies each chunk it touches (nothing big is cached here: hot
// chunks stay in the OS page cache). Reads are [ReadOnly] and interleave; registration and access changes are the
// writers and run alone.
//
// Access: every call names its BlobCaller. The owners, the grants and the public flag live in the record, bounded
// together by BlobOptions.MaxAccessListEntries; the clients that may read are also kept in a set in memory, so the
// check on every chunk read is one lookup. A caller that may not read gets exactly the answer for a blob that is not
// stored (same exception type and message), so probing ids tells nothing. Access changes are in BlobGrain.Access.cs,
// owners joining and leaving (and their charges in the clients' stored bytes) in BlobGrain.Owners.cs.
using System.Buffers;
using Marketplace.GrainInterfaces;
using Microsoft.Extensions.Options;

namespace Marketplace.Grains.Blobs;

/// <summary>The grain of one stored blob (<see cref="IBlobGrain"/>), keyed by its blob id.</summary>
[GrainType("blob")]
internal sealed partial class BlobGrain(
    [PersistentState("manifest")] IPersistentState<BlobRecord> record,
    IChunkStore store,
    IOptions<BlobOptions> options,
    BlobLog log) : Grain, IBlobGrain, IBlobRegistryGrain
{
    private readonly int _maxAccessEntries = options.Value.MaxAccessListEntries;
    private readonly HashSet<string> _readers = new(StringComparer.Ordinal);
    private readonly AbsentResourceRetirement _absent = new();
    private BlobManifest? _manifest;

    private string Id => this.GetPrimaryKeyString();

    /// <inheritdoc />
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (record.RecordExists)
        {
            Loaded();
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<BlobManifest?> GetManifestAsync(BlobCaller caller)
    {
        RequireValidId();
        return Task.FromResult(Readable(caller));
    }

    /// <inheritdoc />
    public async Task<byte[]> ReadChunkAsync(BlobCaller caller, int index)
    {
        var m = RequireReadable(caller);
        RequireChunkIndex(m, index);
        var chunk = m.Chunks[index];
        var bytes = new byte[chunk.Size];
        await store.ReadVerifiedAsync(m.Id, index, chunk, bytes);
        return bytes;
    }

    /// <inheritdoc />
    public async Task<byte[]> ReadRangeAsync(BlobCaller caller, long offset, int count)
    {
        var m = RequireReadable(caller);
        if (count is < 0 or > BlobLimits.MaxReadBytes)
        {
            throw new InvalidRequestException($"count {count} must be 0..{BlobLimits.MaxReadBytes} bytes.");
        }

        if (offset < 0 || offset > m.Size)
        {
            throw new InvalidRequestException($"offset {offset} must be 0..{m.Size} (the size of blob {m.Id}).");
        }

        var result = new byte[(int)Math.Min(count, m.Size - offset)];
        var index = BlobTransfer.ChunkIndexAt(m.Chunks, offset);
        var done = 0;
        while (done < result.Length)
        {
            var chunk = m.Chunks[index];
            var from = (int)(offset + done - chunk.Offset);
            var take = Math.Min(chunk.Size - from, result.Length - done);
            if (take == chunk.Size)
            {
                // The range covers the whole chunk: verify it in place.
                await store.ReadVerifiedAsync(m.Id, index, chunk, result.AsMemory(done, take));
            }
            else
            {
                // A chunk at either end of the range: verify it whole, keep the part inside.
                var scratch = ArrayPool<byte>.Shared.Rent(chunk.Size);
                try
                {
                    await store.ReadVerifiedAsync(m.Id, index, chunk, scratch.AsMemory(0, chunk.Size));
                    scratch.AsSpan(from, take).CopyTo(result.AsSpan(done));
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(scratch);
                }
            }

            done += take;
            index++;
        }

        return result;
    }

    /// <inheritdoc />
    public Task<ChunkProof> GetChunkProofAsync(BlobCaller caller, int index)
    {
        var m = RequireReadable(caller);
        RequireChunkIndex(m, index);
        return Task.FromResult(BlobMerkle.CreateProof(m.Id, m.Chunks, index));
    }

    /// <inheritdoc />
    public async Task<BlobManifest> RegisterAsync(BlobManifest candidate, BlobCaller owner)
    {
        RequireValidId();
        ArgumentNullException.ThrowIfNull(owner);
        if (candidate is null || !string.Equals(candidate.Id, Id, StringComparison.Ordinal) || !BlobMerkle.VerifyManifest(candidate))
        {
            throw new InvalidRequestException($"The manifest offered for blob {Id} does not hash to that id.");
        }

        if (record.RecordExists)
        {
            if (owner.ClientId is { } client)
            {
                await AddOwnerAsync(client, owner);
            }

            return _manifest!;
        }

        for (var i = 0; i < candidate.Chunks.Count; i++)
        {
            if (candidate.Chunks[i].Size > BlobLimits.MaxReadBytes)
            {
                throw new InvalidRequestException($"Chunk {i} of blob {Id} has {candidate.Chunks[i].Size} bytes; chunks are at most {BlobLimits.MaxReadBytes} bytes.");
            }
        }

        // Referenced before they are checked and before the record is written: a chunk checked here can no longer be
        // collected, and a failure below leaves references too many (chunks kept), never a record without them.
        await store.AddReferencesAsync(Id, candidate.Chunks);
        var created = BlobRecord.From(candidate);
        try
        {
            for (var i = 0; i < candidate.Chunks.Count; i++)
            {
                var chunk = candidate.Chunks[i];
                if (!await store.ContainsAsync(chunk.Hash, chunk.Size))
                {
                    throw new BlobIntegrityException(
                        $"Blob {Id} chunk {i} failed its integrity check before registration: expected sha256 {chunk.Hash} ({chunk.Size} bytes), actual: no such file in the chunk store.");
                }
            }

            if (owner.ClientId is { } first)
            {
                // Charged before it is written as the owner: a refused charge leaves nothing stored for the client.
                await ChargeAsync(first, candidate.Size, owner);
                created.Owners.Add(first);
            }
        }
        catch
        {
            // Nothing was written: the chunks go back to being collectable.
            await ForgetChunksAsync(candidate.Chunks);
            throw;
        }

        record.State = created;
        try
        {
            await record.WriteStateAsync();
        }
        catch
        {
            record.State = new BlobRecord();
            if (owner.ClientId is { } charged)
            {
                await UndoChargeAsync(charged);
            }

            // The references stay: a write that failed may still have reached the storage, and a record without its
            // references could lose its chunks to a sweep.
            throw;
        }

        Loaded();
        log.BlobRegistered(Id, candidate.Size, candidate.Chunks.Count);
        return _manifest!;
    }

    /// <summary>The manifest when <paramref name="caller"/> may read the blob, else null (not stored or not readable:
    /// the caller cannot tell which).</summary>
    private BlobManifest? Readable(BlobCaller caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (!record.RecordExists)
        {
            // No state for nothing: a read of a blob that does not exist leaves no activation behind.
            _absent.Schedule(this, () => !record.RecordExists, DeactivateOnIdle);
            return null;
        }

        return CanRead(caller) ? _manifest : null;
    }

    private BlobManifest RequireReadable(BlobCaller caller)
    {
        RequireValidId();
        return Readable(caller) ?? throw NotStored();
    }

    private bool CanRead(BlobCaller caller) =>
        caller.FullAccess || record.State.Public || (caller.ClientId is { } client && _readers.Contains(client));

    private bool IsOwner(BlobCaller caller) =>
        caller.FullAccess || (caller.ClientId is { } client && record.State.Owners.Contains(client));

    /// <summary>Rebuilds what is derived from the stored record: the manifest clients get and the set of readers.</summary>
    private void Loaded()
    {
        var r = record.State;
        _manifest = r.ToManifest();
        _readers.Clear();
        _readers.UnionWith(r.Owners);
        _readers.UnionWith(r.SharedWith);
    }

    /// <summary>The one answer for a blob that is not stored and for one the caller may not see.</summary>
    private BlobNotFoundException NotStored() => new($"Blob {Id} is not stored.");

    private BlobAccessListFullException AccessListFull(BlobRecord r) => new(
        $"Blob {Id} has {r.Owners.Count} owners and is shared with {r.SharedWith.Count} clients, the most one blob records ({_maxAccessEntries}); publish it to let every client read it.");

    private void RequireValidId()
    {
        if (!BlobIds.IsValid(Id))
        {
            DeactivateOnIdle();
            throw new InvalidRequestException($"'{Id}' is not a blob id: expected 'blob' followed by 64 lowercase hex digits.");
        }
    }

    private static void RequireChunkIndex(BlobManifest m, int index)
    {
        if (index < 0 || index >= m.Chunks.Count)
        {
            throw new InvalidRequestException($"Chunk index {index} is out of range: blob {m.Id} has {m.Chunks.Count} chunks (0..{m.Chunks.Count - 1}).");
        }
    }
}
