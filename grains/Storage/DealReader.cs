// Design: a deal is read (and repaired) window by window, never whole. A window is a run of stripes; each fragment in
// use sends its chunks of the window as one piece (IStorageProviderGrain.ReadFragmentAsync), so memory is k pieces and
// one stripe of scratch whatever the blob's size, and a Range read asks only for the stripes it covers.
//
// Trust: only the deal's recorded Merkle roots. A fragment is opened by fetching its chunk hashes from its provider and
// rebuilding the root from them; from then on every chunk of every piece is hashed and compared with its leaf before
// the stripe is decoded, so bad bytes are never decoded into output. The first window asks every fragment at once and
// keeps the first k that verify, cancelling the rest; a fragment in use that later fails (a bad chunk, an error, no
// answer within ProviderTimeout) is dropped and the others not yet failed are raced for its place, for that window.
using Marketplace.GrainInterfaces;
using Marketplace.Storage.ReedSolomon;

namespace Marketplace.Grains.Storage;

/// <summary>Reads a deal's stripes from the first k fragments that verify, chunk by chunk.</summary>
internal sealed class DealReader
{
    private readonly IGrainFactory _grains;
    private readonly DealStatus _status;
    private readonly TimeSpan _timeout;
    private readonly StorageBufferMeter _meter;
    private readonly int _windowStripes;

    public DealReader(IGrainFactory grains, DealStatus status, StorageOptions options, StorageBufferMeter meter)
    {
        _grains = grains;
        _status = status;
        _timeout = options.ProviderTimeout;
        _meter = meter;
        _windowStripes = DealTransfers.PieceBytes(options, status) / status.ChunkSize;
    }

    /// <summary>Called per stripe with all k + m shards: those of the fragments in use as read, the others rebuilt
    /// (only the data ones unless the read was asked to rebuild all).</summary>
    public delegate ValueTask StripeHandler(int stripe, Memory<byte>[] shards);

    /// <summary>Writes bytes [<paramref name="offset"/>, <paramref name="offset"/> + <paramref name="length"/>) of the
    /// blob to <paramref name="destination"/>, decoding only the stripes they lie in.</summary>
    /// <exception cref="StorageUnavailableException">Fewer than k fragments verify for some window; the destination
    /// then holds only correct bytes, up to that window.</exception>
    public Task ReadAsync(long offset, long length, Stream destination, CancellationToken cancellationToken)
    {
        if (length == 0)
        {
            return Task.CompletedTask;
        }

        var stripeBytes = (long)_status.Policy.DataFragments * _status.ChunkSize;
        var first = (int)(offset / stripeBytes);
        var last = (int)((offset + length - 1) / stripeBytes);
        var end = offset + length;
        return RunAsync(first, last, skip: null, rebuildAll: false, async (stripe, shards) =>
        {
            var at = stripe * stripeBytes;
            for (var i = 0; i < _status.Policy.DataFragments; i++, at += _status.ChunkSize)
            {
                var from = Math.Max(at, offset);
                var to = Math.Min(at + _status.ChunkSize, end);
                if (from < to)
                {
                    await destination.WriteAsync(shards[i].Slice((int)(from - at), (int)(to - from)), cancellationToken).ConfigureAwait(false);
                }
            }
        }, cancellationToken);
    }

    /// <summary>Runs every stripe through <paramref name="handler"/> with all k + m shards rebuilt, reading none of the
    /// fragments in <paramref name="skip"/>.</summary>
    public Task RebuildAsync(IReadOnlySet<int> skip, StripeHandler handler, CancellationToken cancellationToken) =>
        RunAsync(0, _status.ChunkCount - 1, skip, rebuildAll: true, handler, cancellationToken);

    private async Task RunAsync(int first, int last, IReadOnlySet<int>? skip, bool rebuildAll, StripeHandler handler, CancellationToken cancellationToken)
    {
        var k = _status.Policy.DataFragments;
        var n = _status.Fragments.Count;
        var chunk = _status.ChunkSize;
        var codec = ReedSolomonCodec.Create(k, _status.Policy.ParityFragments);
        var sources = new List<FragmentSource>();
        foreach (var fragment in _status.Fragments)
        {
            if (skip?.Contains(fragment.Index) != true)
            {
                sources.Add(new FragmentSource(fragment));
            }
        }

        var scratch = new byte[n * chunk];
        var shards = new Memory<byte>[n];
        var present = new bool[n];
        _meter.Take(scratch.Length);
        try
        {
            var active = new List<FragmentSource>(k);
            for (var window = first; window <= last; window += _windowStripes)
            {
                var count = Math.Min(_windowStripes, last - window + 1);
                var fetched = await Task.WhenAll(active.Select(s => FetchAsync(s, window, count, cancellationToken))).ConfigureAwait(false);
                for (var i = active.Count - 1; i >= 0; i--)
                {
                    if (!fetched[i])
                    {
                        active.RemoveAt(i);
                    }
                }

                if (active.Count < k)
                {
                    await OpenFirstAsync(sources, active, k - active.Count, window, count, cancellationToken).ConfigureAwait(false);
                }

                if (active.Count < k)
                {
                    throw new StorageUnavailableException(
                        $"deal {_status.DealId}: only {active.Count} of the {k} fragments needed could be fetched and verified for stripes {window} to {window + count - 1}");
                }

                for (var s = 0; s < count; s++)
                {
                    Array.Clear(present);
                    for (var i = 0; i < n; i++)
                    {
                        shards[i] = scratch.AsMemory(i * chunk, chunk);
                    }

                    foreach (var source in active)
                    {
                        shards[source.Index] = source.Piece.AsMemory(s * chunk, chunk);
                        present[source.Index] = true;
                    }

                    if (rebuildAll)
                    {
                        codec.Reconstruct(shards, present);
                    }
                    else
                    {
                        codec.ReconstructData(shards, present);
                    }

                    await handler(window + s, shards).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            _meter.Release(scratch.Length);
            foreach (var source in sources)
            {
                source.Drop(_meter);
            }
        }
    }

    /// <summary>Races every source not in use and not failed for <paramref name="needed"/> places: each is opened (its
    /// chunk hashes checked against its root) and read for the window; the first to verify win, the rest are cancelled.</summary>
    private async Task OpenFirstAsync(List<FragmentSource> sources, List<FragmentSource> active, int needed, int window, int count, CancellationToken cancellationToken)
    {
        using var losers = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var pending = new Dictionary<Task<bool>, FragmentSource>();
        foreach (var source in sources)
        {
            if (!source.Failed && !active.Contains(source))
            {
                pending[OpenAsync(source, window, count, losers.Token)] = source;
            }
        }

        while (pending.Count > 0 && needed > 0)
        {
            var finished = await Task.WhenAny(pending.Keys).ConfigureAwait(false);
            var source = pending[finished];
            pending.Remove(finished);
            if (await finished.ConfigureAwait(false))
            {
                active.Add(source);
                needed--;
            }
        }

        await losers.CancelAsync().ConfigureAwait(false);
        foreach (var (task, source) in pending)
        {
            // A cancelled race is not a failure: the fragment may serve a later window.
            await task.ConfigureAwait(false);
            source.Failed = false;
            source.Drop(_meter);
        }

        cancellationToken.ThrowIfCancellationRequested();
    }

    private async Task<bool> OpenAsync(FragmentSource source, int window, int count, CancellationToken cancellationToken)
    {
        if (source.Leaves is null)
        {
            var leaves = await CallAsync(
                token => Provider(source).GetChunkHashesAsync(_status.DealId, source.Index, _status.ChunkSize, token), cancellationToken).ConfigureAwait(false);
            if (leaves is null || leaves.Length != _status.ChunkCount * ChunkMerkleTree.HashSize
                || !ChunkMerkleTree.FromLeafHashes(leaves).Root.SequenceEqual(Convert.FromHexString(source.Fragment.MerkleRoot)))
            {
                source.Failed = true;
                return false;
            }

            source.Leaves = leaves;
            _meter.Take(leaves.Length);
        }

        return await FetchAsync(source, window, count, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads the source's piece for the window and checks every chunk against its leaf; false (and the source
    /// marked failed) for an error, a late answer or a bad chunk.</summary>
    private async Task<bool> FetchAsync(FragmentSource source, int window, int count, CancellationToken cancellationToken)
    {
        var chunk = _status.ChunkSize;
        var piece = await CallAsync(
            token => Provider(source).ReadFragmentAsync(_status.DealId, source.Index, (long)window * chunk, count * chunk, token), cancellationToken).ConfigureAwait(false);
        source.DropPiece(_meter);
        if (piece is null || piece.Length != count * chunk)
        {
            source.Failed = true;
            return false;
        }

        Span<byte> leaf = stackalloc byte[ChunkMerkleTree.HashSize];
        for (var c = 0; c < count; c++)
        {
            ChunkMerkleTree.HashLeaf(piece.AsSpan(c * chunk, chunk), leaf);
            if (!leaf.SequenceEqual(source.Leaves!.AsSpan((window + c) * ChunkMerkleTree.HashSize, ChunkMerkleTree.HashSize)))
            {
                source.Failed = true;
                return false;
            }
        }

        source.Piece = piece;
        _meter.Take(piece.Length);
        return true;
    }

    /// <summary>A provider call bounded by ProviderTimeout; null when it fails, is late or is cancelled (the caller's
    /// own cancellation is rethrown by the caller's next check).</summary>
    private async Task<byte[]?> CallAsync(Func<CancellationToken, Task<byte[]>> call, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_timeout);
        try
        {
            return await call(timeout.Token).WaitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is StorageUnavailableException or InvalidRequestException or OrleansException or TimeoutException or OperationCanceledException)
        {
            return null;
        }
    }

    private IStorageProviderGrain Provider(FragmentSource source) => _grains.GetGrain<IStorageProviderGrain>(source.Fragment.ProviderId);

    /// <summary>One fragment as a source of chunks: its verified chunk hashes, its current piece, whether it failed.</summary>
    private sealed class FragmentSource(DealFragment fragment)
    {
        public DealFragment Fragment { get; } = fragment;

        public int Index => Fragment.Index;

        public byte[]? Leaves { get; set; }

        public byte[] Piece { get; set; } = [];

        public bool Failed { get; set; }

        public void DropPiece(StorageBufferMeter meter)
        {
            meter.Release(Piece.Length);
            Piece = [];
        }

        public void Drop(StorageBufferMeter meter)
        {
            DropPiece(meter);
            if (Leaves is { } leaves)
            {
                meter.Release(leaves.Length);
                Leaves = null;
            }
        }
    }
}
