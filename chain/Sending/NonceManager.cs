using System.Collections.Concurrent;
using Marketplace.Chain.Rpc;
using Marketplace.Crypto.Ethereum;

namespace Marketplace.Chain.Sending;

/// <summary>
/// Hands out nonces per sender so that concurrent senders in one process never reuse or skip one.
/// </summary>
/// <remarks>
/// Rule: each sender has a lock and a cached next nonce. Sending runs under the sender's lock (other senders are
/// not blocked): the first use reads <c>eth_getTransactionCount(sender, "pending")</c>; a send the node accepts
/// advances the cache by one; a send refused with "nonce too low" re-reads the pending count (at least the refused
/// nonce + 1) and retries, up to <see cref="MaxResyncAttempts"/> times; any other failure forgets the cache, so the
/// next send re-reads the pending count (a timed-out send may or may not have reached the node).
/// Only the submission is serialized; waiting for receipts happens outside the lock.
/// </remarks>
public sealed class NonceManager
{
    /// <summary>How often a send refused with "nonce too low" is retried with a fresh nonce.</summary>
    public const int MaxResyncAttempts = 3;

    private readonly IEvmRpcClient _rpc;
    private readonly ConcurrentDictionary<Address, SenderState> _senders = new();

    /// <summary>Creates a manager reading nonces from <paramref name="rpc"/>.</summary>
    public NonceManager(IEvmRpcClient rpc)
    {
        ArgumentNullException.ThrowIfNull(rpc);
        _rpc = rpc;
    }

    /// <summary>
    /// Runs <paramref name="send"/> with the sender's next nonce under the sender's lock, following the rule in the
    /// remarks. <paramref name="send"/> must submit exactly one transaction with that nonce.
    /// </summary>
    public async Task<T> SendWithNextNonceAsync<T>(Address sender, Func<ulong, CancellationToken, Task<T>> send, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(send);
        var state = _senders.GetOrAdd(sender, static _ => new SenderState());
        await state.Lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            for (var attempt = 0; ; attempt++)
            {
                state.Next ??= await _rpc.GetTransactionCountAsync(sender, BlockTag.Pending, cancellationToken).ConfigureAwait(false);
                var nonce = state.Next.Value;
                var succeeded = false;
                try
                {
                    var result = await send(nonce, cancellationToken).ConfigureAwait(false);
                    succeeded = true;
                    state.Next = nonce + 1;
                    return result;
                }
                catch (ChainRpcException e) when (e.IsNonceTooLow && attempt < MaxResyncAttempts)
                {
                    var pending = await _rpc.GetTransactionCountAsync(sender, BlockTag.Pending, cancellationToken).ConfigureAwait(false);
                    state.Next = Math.Max(pending, nonce + 1);
                    succeeded = true;
                }
                finally
                {
                    if (!succeeded)
                    {
                        state.Next = null;
                    }
                }
            }
        }
        finally
        {
            state.Lock.Release();
        }
    }

    /// <summary>Forgets the cached nonce of <paramref name="sender"/>; the next send reads the pending count again.</summary>
    public void Reset(Address sender)
    {
        if (_senders.TryGetValue(sender, out var state))
        {
            state.Next = null;
        }
    }

    private sealed class SenderState
    {
        public SemaphoreSlim Lock { get; } = new(1, 1);

        public ulong? Next { get; set; }
    }
}
