using System.Numerics;
using Marketplace.Chain;
using Marketplace.Chain.Rpc;
using Marketplace.Crypto.Ethereum;
using Marketplace.GrainInterfaces;
using Marketplace.Grains.Settlement;
using Xunit;

namespace Marketplace.Settlement.Tests;

/// <summary>A grain that dies between sending a transaction and recording its receipt, a silo restart, and a chain
/// restart that loses a pooled transaction: every payment happens exactly once.</summary>
public sealed class ChainSettlementDurabilityTests
{
    [AnvilFact]
    public async Task AGrainKilledAfterSendingPaysExactlyOnceAfterARestart()
    {
        await using var silo = await ChainSilo.StartAsync();
        var settlement = silo.Settlement;
        await settlement.DepositAsync("alice", 1_000_000, "d1");

        // Killed right after the deposit was sent: the retry after a restart finds it, deposits nothing more.
        silo.Faults.CrashAfterSend("escrow/job-a#deposit");
        await Assert.ThrowsAsync<SimulatedCrashException>(() => settlement.EscrowAsync("job-a", "alice", 300_000));
        await silo.RestartSiloAsync();
        var escrow = await silo.Settlement.EscrowAsync("job-a", "alice", 300_000);
        Assert.Equal((UInt128)300_000, escrow.Amount);
        Assert.Equal(1, await silo.EscrowViewAsync("jobCount"));
        Assert.Equal(300_000, await silo.EscrowViewAsync("totalEscrowed"));
        Assert.Equal(700_000, await silo.TokenBalanceAsync(await silo.ClientAsync("alice")));

        await silo.Settlement.EscrowAsync("job-b", "alice", 200_000);
        await silo.Settlement.PayAsync("job-a", new JobPayout { ExecutorId = "w1", Charge = 100_000 });
        await silo.Settlement.PayAsync("job-b", new JobPayout { ExecutorId = "w1", Charge = 50_000 });

        // Killed right after the batch was sent and mined, before its receipt was recorded.
        silo.Faults.CrashAfterSend("batch/");
        await Assert.ThrowsAsync<SimulatedCrashException>(() => silo.Chain.FlushAsync());

        // The batch reached the chain: waited for on the chain itself (a loaded machine may show it a moment after
        // the send returned), bounded.
        var batches = 0;
        for (var watch = System.Diagnostics.Stopwatch.StartNew(); watch.Elapsed < TimeSpan.FromSeconds(30); await Task.Delay(50))
        {
            if ((batches = (int)await silo.EscrowViewAsync("batchCount")) == 1)
            {
                break;
            }
        }

        Assert.Equal(1, batches);
        await silo.RestartSiloAsync();
        var status = await silo.Chain.FlushAsync();
        Assert.Equal(1, status.BatchesSent);
        Assert.Equal(0, status.QueuedJobs);
        Assert.Equal(1, await silo.EscrowViewAsync("batchCount"));
        Assert.Equal(150_000, await silo.EscrowViewAsync("claimable", await silo.WorkerAsync("w1")));
        Assert.Equal(350_000, await silo.EscrowViewAsync("claimable", await silo.ClientAsync("alice")));
        Assert.Equal(2, silo.Faults.Injected);
    }

    [AnvilFact]
    public async Task SettlementResumesAfterTheChainRestartsAndLosesAPooledBatch()
    {
        await using var silo = await ChainSilo.StartAsync();
        var settlement = silo.Settlement;
        await settlement.DepositAsync("carol", 500_000, "d1");
        await settlement.EscrowAsync("job-1", "carol", 200_000);
        await settlement.PayAsync("job-1", new JobPayout { ExecutorId = "w9", Charge = 120_000, Committee = ["w8"] });

        // The batch is sent to a node that does not mine; the grain dies; the node restarts from its last state
        // without the pooled transaction; the silo restarts. The stored batch is sent again, once.
        await silo.Anvil.Rpc.RequestAsync("evm_setAutomine", "[false]");
        silo.Faults.CrashAfterSend("batch/");
        await Assert.ThrowsAsync<SimulatedCrashException>(() => silo.Chain.FlushAsync());
        await silo.Anvil.RestartAsync();
        Assert.Equal(0, await silo.EscrowViewAsync("batchCount"));
        Assert.Equal(200_000, await silo.EscrowViewAsync("totalEscrowed"));
        await silo.RestartSiloAsync();

        var status = await silo.Chain.FlushAsync();
        Assert.Equal(1, status.BatchesSent);
        Assert.Equal(1, await silo.EscrowViewAsync("batchCount"));
        Assert.Equal(0, await silo.EscrowViewAsync("totalEscrowed"));
        Assert.Equal(114_000, await silo.EscrowViewAsync("claimable", await silo.WorkerAsync("w9")));
        Assert.Equal(6_000, await silo.EscrowViewAsync("claimable", await silo.WorkerAsync("w8")));
        Assert.Equal(80_000, await silo.EscrowViewAsync("claimable", await silo.ClientAsync("carol")));

        // The chain keeps working after the restart: a new job escrows and settles.
        await silo.Settlement.EscrowAsync("job-2", "carol", 100_000);
        await silo.Settlement.RefundAsync("job-2", RefundReason.Expired);
        await silo.Chain.FlushAsync();
        Assert.Equal(180_000, await silo.EscrowViewAsync("claimable", await silo.ClientAsync("carol")));
    }

    [AnvilFact]
    public async Task ABatchMinedAndThenRolledBackBeforeItsConfirmationIsSentAgainAndPaysOnce()
    {
        await using var silo = await ChainSilo.StartAsync(new Dictionary<string, string> { ["Confirmations"] = "1", ["ReceiptTimeout"] = "00:01:00" });
        await using var miner = new BlockMiner(silo.Anvil);
        var settlement = silo.Settlement;
        await settlement.DepositAsync("dave", 400_000, "d1");
        await settlement.EscrowAsync("reorg-job", "dave", 300_000);
        await settlement.PayAsync("reorg-job", new JobPayout { ExecutorId = "w5", Charge = 180_000 });

        // No block on top of the batch: it is mined (automine) but not confirmed, and the chain then goes back to
        // before it, as in a reorg.
        await miner.PauseAsync();
        var snapshot = (await silo.Anvil.Rpc.RequestAsync("evm_snapshot")).GetString()!;
        var flush = silo.Chain.FlushAsync();
        while (await silo.EscrowViewAsync("batchCount") == 0)
        {
            Assert.False(flush.IsCompleted, "the flush ended before its batch was mined: " + flush.Status);
            await Task.Delay(20);
        }

        Assert.False(flush.IsCompleted);
        Assert.True((await silo.Anvil.Rpc.RequestAsync("evm_revert", "[\"" + snapshot + "\"]")).GetBoolean());
        Assert.Equal(0, await silo.EscrowViewAsync("batchCount"));
        miner.Resume();

        var status = await flush;
        Assert.Equal(1, status.BatchesSent);
        Assert.Equal(0, status.QueuedJobs);
        Assert.Equal(1, await silo.EscrowViewAsync("batchCount"));
        Assert.Equal(180_000, await silo.EscrowViewAsync("claimable", await silo.WorkerAsync("w5")));
        Assert.Equal(120_000, await silo.EscrowViewAsync("claimable", await silo.ClientAsync("dave")));
        Assert.Equal(0, await silo.EscrowViewAsync("totalEscrowed"));
        Assert.Equal(300_000, await silo.TokenBalanceAsync(silo.Deployment.Escrow));
    }

    [AnvilFact]
    public async Task ATransactionStuckBelowRisingFeesIsReplacedWithHigherFeesAndPaysOnce()
    {
        await using var silo = await ChainSilo.StartAsync(new Dictionary<string, string> { ["ReplaceAfter"] = "00:00:00.300", ["ReceiptTimeout"] = "00:01:00" });
        var settlement = silo.Settlement;
        await settlement.DepositAsync("erin", 400_000, "d1");
        await settlement.EscrowAsync("stuck-job", "erin", 200_000);
        await settlement.PayAsync("stuck-job", new JobPayout { ExecutorId = "w6", Charge = 150_000 });
        var settler = Address.Parse((await silo.Chain.GetChainStatusAsync()).SettlementAddress);
        var nonce = await silo.Anvil.Rpc.GetTransactionCountAsync(settler, BlockTag.Latest);

        // The node stops mining on arrival, the batch waits in its pool, and the base fee then jumps to four times
        // what the batch offers, block after block: the first version can never be mined.
        await silo.Anvil.Rpc.RequestAsync("evm_setAutomine", "[false]");
        var flush = silo.Chain.FlushAsync();
        while (await silo.Anvil.Rpc.GetTransactionCountAsync(settler, BlockTag.Pending) == nonce)
        {
            Assert.False(flush.IsCompleted, "the flush ended before its batch was sent: " + flush.Status);
            await Task.Delay(20);
        }

        var (pending, offered) = await PendingMaxFeeAsync(silo.Anvil, settler);
        var high = offered * 4;
        while (!flush.IsCompleted)
        {
            await silo.Anvil.Rpc.RequestAsync("anvil_setNextBlockBaseFeePerGas", "[\"" + Hex.EncodeQuantity(high) + "\"]");
            await silo.Anvil.Rpc.RequestAsync("evm_mine");
            await Task.Delay(50);
        }

        var status = await flush;
        Assert.Equal(1, status.BatchesSent);
        var mined = status.RecentBatches[^1].TransactionHash;
        Assert.NotEqual(pending, mined);
        var receipt = (await silo.Anvil.Rpc.GetTransactionReceiptAsync(Hash32.Parse(mined)))!;
        Assert.True(receipt.EffectiveGasPrice >= high, $"mined at {receipt.EffectiveGasPrice}, below the base fee {high}");
        Assert.Null(await silo.Anvil.Rpc.GetTransactionReceiptAsync(Hash32.Parse(pending)));
        Assert.Equal(nonce + 1, await silo.Anvil.Rpc.GetTransactionCountAsync(settler, BlockTag.Latest));
        Assert.Equal(1, await silo.EscrowViewAsync("batchCount"));
        Assert.Equal(150_000, await silo.EscrowViewAsync("claimable", await silo.WorkerAsync("w6")));
        Assert.Equal(50_000, await silo.EscrowViewAsync("claimable", await silo.ClientAsync("erin")));
    }

    /// <summary>The hash and max fee per gas of the account's one pooled transaction.</summary>
    private static async Task<(string Hash, BigInteger MaxFeePerGas)> PendingMaxFeeAsync(Marketplace.Chain.Development.AnvilNode anvil, Address account)
    {
        var pool = await anvil.Rpc.RequestAsync("txpool_content");
        foreach (var sender in pool.GetProperty("pending").EnumerateObject())
        {
            if (string.Equals(sender.Name, account.ToString(), StringComparison.OrdinalIgnoreCase))
            {
                foreach (var tx in sender.Value.EnumerateObject())
                {
                    var hash = tx.Value.GetProperty("hash").GetString()!;
                    var fee = BigInteger.Parse("0" + tx.Value.GetProperty("maxFeePerGas").GetString()![2..], System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture);
                    return (hash, fee);
                }
            }
        }

        throw new InvalidOperationException($"no pooled transaction of {account}: {pool}");
    }

    /// <summary>Mines a block every 50 ms (so transactions get their confirmations) until paused or disposed.</summary>
    private sealed class BlockMiner : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly SemaphoreSlim _gate = new(1, 1);
        private readonly Task _loop;

        public BlockMiner(Marketplace.Chain.Development.AnvilNode anvil) => _loop = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                await _gate.WaitAsync(_stop.Token);
                try
                {
                    await anvil.Rpc.RequestAsync("evm_mine");
                }
                finally
                {
                    _gate.Release();
                }

                await Task.Delay(50, _stop.Token);
            }
        });

        /// <summary>Returns once no block is being mined and none will be until <see cref="Resume"/>.</summary>
        public Task PauseAsync() => _gate.WaitAsync();

        public void Resume() => _gate.Release();

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            try
            {
                await _loop;
            }
            catch (OperationCanceledException)
            {
                // Stopped.
            }

            _stop.Dispose();
        }
    }
}
