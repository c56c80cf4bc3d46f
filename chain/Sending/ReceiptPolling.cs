using Marketplace.Chain.Rpc;

namespace Marketplace.Chain.Sending;

/// <summary>Waiting for a transaction's receipt.</summary>
public static class ReceiptPolling
{
    /// <summary>Default time between polls.</summary>
    public static readonly TimeSpan DefaultPollInterval = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// Polls <c>eth_getTransactionReceipt</c> until the receipt exists (a null answer means pending, even right after
    /// an automined send), at most until <paramref name="timeout"/> has passed.
    /// </summary>
    /// <exception cref="ChainTimeoutException">No receipt within <paramref name="timeout"/>.</exception>
    public static async Task<TransactionReceipt> WaitForReceiptAsync(
        this IEvmRpcClient rpc,
        Hash32 transactionHash,
        TimeSpan timeout,
        TimeSpan? pollInterval = null,
        TimeProvider? timeProvider = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rpc);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        var interval = pollInterval ?? DefaultPollInterval;
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero, nameof(pollInterval));
        var time = timeProvider ?? TimeProvider.System;
        using var deadline = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        try
        {
            while (true)
            {
                var receipt = await rpc.GetTransactionReceiptAsync(transactionHash, linked.Token).ConfigureAwait(false);
                if (receipt is not null)
                {
                    return receipt;
                }

                await Task.Delay(interval, time, linked.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException e) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new ChainTimeoutException($"No receipt for transaction {transactionHash} within {timeout}.", timeout, e);
        }
    }
}
