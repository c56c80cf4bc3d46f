using System.Globalization;
using System.Numerics;
using Marketplace.GrainInterfaces;
using Marketplace.Grains.Settlement;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using Xunit.Abstractions;

namespace Marketplace.Settlement.Tests;

/// <summary>Escrows in one call (<see cref="ISettlement.EscrowManyAsync"/>) on the chain: each answered as alone, the
/// new jobs of one client deposited by one batch transaction, and a group cut off half way (or whose transaction the
/// node lost) finished once after a restart.</summary>
public sealed class ChainSettlementEscrowGroupTests(ITestOutputHelper output)
{
    [AnvilFact]
    public async Task EscrowsInOneCallAreAnsweredEachAsAloneAndDepositedOnce()
    {
        await using var silo = await ChainSilo.StartAsync();
        var settlement = silo.Settlement;
        await settlement.DepositAsync("client-a", 1_000_000, "deposit-a");
        await settlement.DepositAsync("client-b", 300_000, "deposit-b");

        var outcomes = await settlement.EscrowManyAsync(
        [
            new EscrowRequest { JobId = "a1", ClientId = "client-a", Amount = 200_000 },
            new EscrowRequest { JobId = "a2", ClientId = "client-a", Amount = 300_000 },
            new EscrowRequest { JobId = "b1", ClientId = "client-b", Amount = 200_000 },
            new EscrowRequest { JobId = "a3", ClientId = "client-a", Amount = 400_000 },
            new EscrowRequest { JobId = "b2", ClientId = "client-b", Amount = 200_000 },
            new EscrowRequest { JobId = "", ClientId = "client-a", Amount = 1 },
            new EscrowRequest { JobId = "a1", ClientId = "client-a", Amount = 200_000 },
            new EscrowRequest { JobId = "a4", ClientId = "client-a", Amount = 200_000 },
        ]);
        output.WriteLine(string.Join("; ", outcomes.Select(o => o.Escrow is { } e ? $"{e.JobId} {e.Amount}" : o.Error!.GetType().Name)));
        Assert.Equal((UInt128)200_000, outcomes[0].Escrow!.Amount);
        Assert.Equal((UInt128)300_000, outcomes[1].Escrow!.Amount);
        Assert.Equal((UInt128)200_000, outcomes[2].Escrow!.Amount);
        Assert.Equal((UInt128)400_000, outcomes[3].Escrow!.Amount);
        Assert.IsType<InsufficientFundsException>(outcomes[4].Error);
        Assert.IsType<InvalidRequestException>(outcomes[5].Error);
        Assert.Equal(outcomes[0].Escrow!.Sequence, outcomes[6].Escrow!.Sequence);
        Assert.IsType<InsufficientFundsException>(outcomes[7].Error);

        Assert.Equal(4, await silo.EscrowViewAsync("jobCount"));
        Assert.Equal(1_100_000, await silo.EscrowViewAsync("totalEscrowed"));
        Assert.Equal((UInt128)100_000, (await settlement.GetBalanceAsync("client-a")).Available);
        Assert.Equal((UInt128)900_000, (await settlement.GetBalanceAsync("client-a")).Escrowed);
        Assert.Equal((UInt128)100_000, (await settlement.GetBalanceAsync("client-b")).Available);
        Assert.Null(await settlement.GetEscrowAsync("b2"));

        // Again: the recorded escrows, and another amount for one of them is a conflict; nothing moves.
        var again = await settlement.EscrowManyAsync(
        [
            new EscrowRequest { JobId = "a2", ClientId = "client-a", Amount = 300_000 },
            new EscrowRequest { JobId = "a3", ClientId = "client-a", Amount = 1 },
        ]);
        Assert.Equal(outcomes[1].Escrow!.Sequence, again[0].Escrow!.Sequence);
        Assert.IsType<SettlementConflictException>(again[1].Error);
        Assert.Equal(4, await silo.EscrowViewAsync("jobCount"));

        // Settled in one call: each as alone, one write, then released in a batch as any.
        var settled = await settlement.SettleManyAsync(
        [
            new JobSettlementRequest { JobId = "a1", Payout = new JobPayout { ExecutorId = "w1", Charge = 50_000 } },
            new JobSettlementRequest { JobId = "a2", Refund = RefundReason.Failed },
            new JobSettlementRequest { JobId = "a2", Payout = new JobPayout { ExecutorId = "w1", Charge = 1 } },
            new JobSettlementRequest { JobId = "b2", Refund = RefundReason.Failed },
            new JobSettlementRequest { JobId = "a1", Payout = new JobPayout { ExecutorId = "w1", Charge = 50_000 } },
        ]);
        Assert.Equal(SettlementOutcome.Paid, settled[0].Settlement!.Outcome);
        Assert.Equal(SettlementOutcome.Refunded, settled[1].Settlement!.Outcome);
        Assert.IsType<SettlementConflictException>(settled[2].Error);
        Assert.IsType<SettlementConflictException>(settled[3].Error);
        Assert.Equal(settled[0].Settlement!.Sequence, settled[4].Settlement!.Sequence);
        var status = await silo.Chain.FlushAsync();
        Assert.Equal(0, status.QueuedJobs);
        Assert.Equal(50_000, await silo.EscrowViewAsync("claimable", await silo.WorkerAsync("w1"))); // no committee: the whole charge
        Assert.Equal((UInt128)(100_000 + 150_000 + 300_000), (await settlement.GetBalanceAsync("client-a")).Available);
    }

    [AnvilFact]
    public async Task AGroupCutOffAfterItsBatchDepositWasSentIsFinishedOnceAfterARestart()
    {
        await using var silo = await ChainSilo.StartAsync();
        await silo.Settlement.DepositAsync("carol", 1_000_000, "deposit-c");
        await silo.Settlement.EscrowAsync("c0", "carol", 100_000); // the account's approval is in place before the group

        silo.Faults.CrashAfterSend("escrow-batch/c1#deposit");
        EscrowRequest[] group =
        [
            new EscrowRequest { JobId = "c1", ClientId = "carol", Amount = 100_000 },
            new EscrowRequest { JobId = "c2", ClientId = "carol", Amount = 200_000 },
            new EscrowRequest { JobId = "c3", ClientId = "carol", Amount = 300_000 },
        ];
        await Assert.ThrowsAsync<SimulatedCrashException>(() => silo.Settlement.EscrowManyAsync(group));
        Assert.Equal(1, silo.Faults.Injected);
        // The one transaction of the group was sent; anvil mines it just after it answers the send, so the crash can
        // come before its block: wait for it.
        var mined = System.Diagnostics.Stopwatch.StartNew();
        BigInteger count;
        while ((count = await silo.EscrowViewAsync("jobCount")) < 4 && mined.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(50);
        }

        Assert.Equal(4, count);

        // After the restart an escrow of the middle job alone finds the batch's receipt; the others then too.
        await silo.RestartSiloAsync();
        var middle = await silo.Settlement.EscrowAsync("c2", "carol", 200_000);
        Assert.Equal((UInt128)200_000, middle.Amount);
        var outcomes = await silo.Settlement.EscrowManyAsync(group);
        Assert.All(outcomes, o => Assert.NotNull(o.Escrow));
        Assert.Equal(4, await silo.EscrowViewAsync("jobCount"));
        Assert.Equal(700_000, await silo.EscrowViewAsync("totalEscrowed"));
        Assert.Equal((UInt128)300_000, (await silo.Settlement.GetBalanceAsync("carol")).Available);
        Assert.Equal((UInt128)700_000, (await silo.Settlement.GetBalanceAsync("carol")).Escrowed);
    }

    [AnvilFact]
    public async Task AGroupWhoseBatchDepositTheNodeLostIsSentAgainAndEscrowedOnce()
    {
        await using var silo = await ChainSilo.StartAsync();
        await silo.Settlement.DepositAsync("gus", 1_000_000, "deposit-g");
        await silo.Settlement.EscrowAsync("g0", "gus", 100_000);

        // The batch is sent to a node that does not mine, the silo dies, and the node forgets the transaction.
        await silo.Anvil.Rpc.RequestAsync("evm_setAutomine", "[false]");
        silo.Faults.CrashAfterSend("escrow-batch/g1#deposit");
        EscrowRequest[] group =
        [
            new EscrowRequest { JobId = "g1", ClientId = "gus", Amount = 100_000 },
            new EscrowRequest { JobId = "g2", ClientId = "gus", Amount = 100_000 },
        ];
        await Assert.ThrowsAsync<SimulatedCrashException>(() => silo.Settlement.EscrowManyAsync(group));
        await silo.Anvil.Rpc.RequestAsync("anvil_dropAllTransactions", "[]");
        await silo.Anvil.Rpc.RequestAsync("evm_setAutomine", "[true]");
        Assert.Equal(1, await silo.EscrowViewAsync("jobCount"));

        await silo.RestartSiloAsync();
        var outcomes = await silo.Settlement.EscrowManyAsync(group);
        output.WriteLine(string.Join("; ", outcomes.Select(o => o.Escrow is { } e ? $"{e.JobId} escrowed" : $"{o.Error!.GetType().Name}: {o.Error.Message}")));
        Assert.All(outcomes, o => Assert.NotNull(o.Escrow));
        Assert.Equal(3, await silo.EscrowViewAsync("jobCount"));
        Assert.Equal(300_000, await silo.EscrowViewAsync("totalEscrowed"));
        Assert.Equal((UInt128)700_000, (await silo.Settlement.GetBalanceAsync("gus")).Available);
    }

    [AnvilFact]
    public async Task EscrowsAnsweredWhileTheChainIsDownCarryARetryableErrorThatCrossesSilos()
    {
        await using var silo = await ChainSilo.StartAsync();
        await silo.Settlement.DepositAsync("dora", 500_000, "deposit-dora");
        await silo.Anvil.StopAsync();

        var outcomes = await silo.Settlement.EscrowManyAsync(
        [
            new EscrowRequest { JobId = "d1", ClientId = "dora", Amount = 100_000 },
            new EscrowRequest { JobId = "d2", ClientId = "dora", Amount = 100_000 },
        ]);

        // The answer goes to a job grain on another silo in a cluster: it must serialize, and keep its type and the
        // chain's message (the chain client's own exception types do not cross silos).
        var serializer = silo.Services.GetRequiredService<Orleans.Serialization.Serializer>();
        var copy = serializer.Deserialize<EscrowOutcome[]>(serializer.SerializeToArray(outcomes))!;
        output.WriteLine(copy[0].Error?.Message);
        Assert.All(copy, outcome =>
        {
            Assert.Null(outcome.Escrow);
            var error = Assert.IsType<ChainSettlementUnavailableException>(outcome.Error);
            Assert.Contains("did not answer", error.Message, StringComparison.Ordinal);
            Assert.Null(error.InnerException);
        });
    }

    [AnvilFact]
    public async Task AGroupIsToppedUpForWhatItsTransactionsNeedUpFrontWhenFeesHaveRisen()
    {
        await using var silo = await ChainSilo.StartAsync();
        await silo.Settlement.DepositAsync("erin", 1_000_000, "deposit-erin");
        await silo.Settlement.EscrowAsync("e0", "erin", 100_000); // the account's approval is in place before the group

        // The client's account holds just over the gas floor (0.01 ether), and fees have risen: at a base fee of 400 gwei a
        // deposit needs about 0.1 ether up front, so a node refuses it unless the account is topped up for that.
        var client = await silo.ClientAsync("erin");
        await silo.Anvil.SetBalanceAsync(client, BigInteger.Parse("11000000000000000", CultureInfo.InvariantCulture));
        await silo.Anvil.Rpc.RequestAsync("anvil_setNextBlockBaseFeePerGas", "[\"0x5d21dba000\"]");
        await silo.Anvil.Rpc.RequestAsync("evm_mine", "[]");

        var outcomes = await silo.Settlement.EscrowManyAsync(
        [
            new EscrowRequest { JobId = "e1", ClientId = "erin", Amount = 100_000 },
            new EscrowRequest { JobId = "e2", ClientId = "erin", Amount = 100_000 },
            new EscrowRequest { JobId = "e3", ClientId = "erin", Amount = 100_000 },
        ]);
        output.WriteLine(string.Join("; ", outcomes.Select(o => o.Escrow is { } e ? $"{e.JobId} escrowed" : $"{o.Error!.GetType().Name}: {o.Error.Message}")));
        Assert.All(outcomes, outcome => Assert.NotNull(outcome.Escrow));
        Assert.Equal(400_000, await silo.EscrowViewAsync("totalEscrowed"));
    }
}
