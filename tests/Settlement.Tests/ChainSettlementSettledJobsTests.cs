using Marketplace.GrainInterfaces;
using Xunit;
using Xunit.Abstractions;

namespace Marketplace.Settlement.Tests;

/// <summary>The settlement's own record stays bounded: settled jobs whose batch is confirmed move to records of their
/// own past <c>SettledJobsKept</c>, and a job asked about again is answered from there exactly as before.</summary>
public sealed class ChainSettlementSettledJobsTests(ITestOutputHelper output)
{
    [AnvilFact]
    public async Task SettledJobsMoveOutOfTheRecordAndAnswerTheSameAfterwards()
    {
        await using var silo = await ChainSilo.StartAsync(new Dictionary<string, string> { ["BatchSize"] = "10", ["SettledJobsKept"] = "4" });
        var settlement = silo.Settlement;
        await settlement.DepositAsync("client-a", 100_000_000, "deposit-a");

        const int Jobs = 40;
        var settlements = new Dictionary<string, JobSettlement>(StringComparer.Ordinal);
        for (var j = 0; j < Jobs; j++)
        {
            var jobId = $"job-{j}";
            await settlement.EscrowAsync(jobId, "client-a", 1_000_000);
            settlements[jobId] = j % 5 == 4
                ? await settlement.RefundAsync(jobId, RefundReason.Failed)
                : await settlement.PayAsync(jobId, new JobPayout { ExecutorId = "worker-1", Charge = 400_000, Committee = ["worker-2"] });
        }

        var status = await silo.Chain.FlushAsync();
        output.WriteLine($"after {Jobs} jobs: {status.JobsHeld} held, {status.BatchesSent} batches");
        Assert.Equal(4, status.BatchesSent);
        Assert.Equal(0, status.QueuedJobs);

        // Moves come in groups: at most the 4 kept plus a slack of 16 settled jobs are held after any write.
        Assert.InRange(status.JobsHeld, 4, 4 + 16);
        await settlement.EscrowAsync("job-last", "client-a", 1_000_000);
        status = await silo.Chain.GetChainStatusAsync();
        output.WriteLine($"after one more escrow: {status.JobsHeld} held");
        Assert.InRange(status.JobsHeld, 4 + 1, 4 + 16 + 1); // and the open one
        var balance = await settlement.GetBalanceAsync("client-a");
        Assert.Equal((UInt128)1_000_000, balance.Escrowed);

        // Asked again, after a silo restart too, a moved job answers as it did before it moved.
        await silo.RestartSiloAsync();
        settlement = silo.Settlement;
        var before = await settlement.GetBalanceAsync("client-a");
        foreach (var (jobId, settled) in settlements)
        {
            var escrow = await settlement.GetEscrowAsync(jobId);
            Assert.NotNull(escrow);
            Assert.Equal((UInt128)1_000_000, escrow.Amount);
            Assert.Equal(settled.Sequence, escrow.Settlement?.Sequence);

            var again = settled.Outcome == SettlementOutcome.Paid
                ? await settlement.PayAsync(jobId, new JobPayout { ExecutorId = "worker-1", Charge = 400_000, Committee = ["worker-2"] })
                : await settlement.RefundAsync(jobId, RefundReason.Failed);
            Assert.Equal(settled.Sequence, again.Sequence);
            Assert.Equal(settled.ExecutorAmount, again.ExecutorAmount);
            Assert.Equal(settled.Refunded, again.Refunded);
        }

        // The other way round is refused, and escrowing a settled job again moves no money.
        await Assert.ThrowsAsync<SettlementConflictException>(() => settlement.RefundAsync("job-0", RefundReason.Failed));
        await Assert.ThrowsAsync<SettlementConflictException>(() => settlement.PayAsync("job-4", new JobPayout { ExecutorId = "worker-1", Charge = 1 }));
        var reescrow = await settlement.EscrowAsync("job-0", "client-a", 1_000_000);
        Assert.Equal(settlements["job-0"].Sequence, reescrow.Settlement?.Sequence);
        await Assert.ThrowsAsync<SettlementConflictException>(() => settlement.EscrowAsync("job-0", "client-a", 999_999));
        var after = await settlement.GetBalanceAsync("client-a");
        Assert.Equal(before.Available, after.Available);
        Assert.Equal(before.Escrowed, after.Escrowed);
        Assert.Null(await settlement.GetEscrowAsync("job-never"));
    }
}
