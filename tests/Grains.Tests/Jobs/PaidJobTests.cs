using Marketplace.GrainInterfaces;
using Marketplace.Grains.Jobs.TestHooks;
using Xunit;

namespace Marketplace.Grains.Tests.Jobs;

/// <summary>Jobs paid through the embedded ledger: escrow at submit, pay or refund once at the end, stake to bid.</summary>
public sealed class PaidJobTests
{
    [Fact]
    public async Task A30_AJobThatUsesLessFuelPaysTheExecutorForItsFuelAndRefundsTheClientTheRest()
    {
        await using var silo = await PaidJobKit.StartAsync(new JobsSettings().Worker("w1", price: 3), "w1");
        var slow = await JobsKit.DeployAsync(silo, "slow_loop");
        var job = await silo.Grains.SubmitAsync(JobsKit.Job(slow, s => { s.InputInline = JobsKit.Iterations(10_000); s.MaxFuel = 50_000_000; s.MaxPricePerMillionFuel = 5; }));

        // Escrowed at submit: max fuel × the job's max price.
        var escrow = await silo.Ledger().GetEscrowAsync(job.JobId);
        Assert.NotNull(escrow);
        Assert.Equal((UInt128)250_000_000, escrow.Amount);

        var done = await silo.Grains.WaitTerminalAsync(job.JobId);
        Assert.True(done.Status == JobStatus.Completed, await silo.Grains.DescribeAsync(job.JobId));
        Assert.InRange(done.FuelConsumed, 1, 50_000_000 - 1);
        var settlement = await silo.WaitSettledAsync(job.JobId);

        // Charged fuel used × the winning bid's price (3), not the max price; the rest of the escrow went back.
        var charge = (UInt128)(ulong)done.FuelConsumed * 3;
        Assert.Equal(SettlementOutcome.Paid, settlement.Outcome);
        Assert.Equal("w1", settlement.ExecutorId);
        Assert.Equal(charge, settlement.Charged);
        Assert.Equal(charge, settlement.ExecutorAmount);
        Assert.Equal((UInt128)250_000_000 - charge, settlement.Refunded);
        Assert.Equal(charge, await silo.EarningsAsync("w1"));
        var balance = await silo.Ledger().GetBalanceAsync(JobsKit.Client);
        Assert.Equal((UInt128)PaidJobKit.Deposit - charge, balance.Available);
        Assert.Equal(UInt128.Zero, balance.Escrowed);
        Assert.Contains(await silo.Grains.LogsAsync(job.JobId), l => l.Message.StartsWith($"paid: charged {charge}", StringComparison.Ordinal));
        await silo.AssertBalancedAsync((UInt128)PaidJobKit.Deposit + PaidJobKit.MinimumStake);
    }

    [Fact]
    public async Task A30_FailedTimedOutCancelledAndExpiredJobsAreRefundedInFull()
    {
        await using var silo = await PaidJobKit.StartAsync(new JobsSettings().Worker("w1", capacity: 4), "w1");
        var trap = await JobsKit.DeployAsync(silo, "trap");
        var loop = await JobsKit.DeployAsync(silo, "infinite_loop");
        var slow = await JobsKit.DeployAsync(silo, "slow_loop");
        var failed = await silo.Grains.SubmitAsync(JobsKit.Job(trap, s => { s.MaxPricePerMillionFuel = 2; s.MaxFuel = 1_000_000; }));
        var timedOut = await silo.Grains.SubmitAsync(JobsKit.Job(loop, s => { s.MaxPricePerMillionFuel = 2; s.MaxFuel = JobLimits.MaxFuel; s.TimeoutMs = 50; }));
        var cancelled = await silo.Grains.SubmitAsync(JobsKit.Job(slow, s => { s.MaxPricePerMillionFuel = 2; s.MaxFuel = JobLimits.MaxFuel; s.InputInline = JobsKit.Iterations(int.MaxValue); s.TimeoutMs = 60_000; }));
        var expired = await silo.Grains.SubmitAsync(JobsKit.Job(slow, s => { s.MaxPricePerMillionFuel = 2; s.MaxFuel = 1_000_000; s.Constraints["region"] = "nowhere"; s.TtlMs = 300; s.MaxRetries = 10; }));
        await silo.Grains.WaitAsync(cancelled.JobId, j => j.Status == JobStatus.Running);
        await silo.Grains.GetGrain<IJobGrain>(cancelled.JobId).CancelAsync(JobsKit.Client);

        foreach (var (job, status, reason) in new[]
        {
            (failed, JobStatus.Failed, RefundReason.Failed),
            (timedOut, JobStatus.TimedOut, RefundReason.TimedOut),
            (cancelled, JobStatus.Cancelled, RefundReason.Cancelled),
            (expired, JobStatus.Expired, RefundReason.Expired),
        })
        {
            var done = await silo.Grains.WaitTerminalAsync(job.JobId);
            Assert.True(done.Status == status, await silo.Grains.DescribeAsync(job.JobId));
            var settlement = await silo.WaitSettledAsync(job.JobId);
            Assert.Equal(SettlementOutcome.Refunded, settlement.Outcome);
            Assert.Equal(reason, settlement.RefundReason);
            Assert.Equal(settlement.Escrowed, settlement.Refunded);
            Assert.Equal(UInt128.Zero, settlement.Charged);
        }

        var balance = await silo.Ledger().GetBalanceAsync(JobsKit.Client);
        Assert.Equal((UInt128)PaidJobKit.Deposit, balance.Available);
        Assert.Equal(UInt128.Zero, balance.Escrowed);
        Assert.Equal(UInt128.Zero, await silo.EarningsAsync("w1"));
    }

    [Fact]
    public async Task ASubmitBeyondTheBalanceIsInsufficientFundsAndLeavesNoJobEscrowOrQuotaBehind()
    {
        // The refusal at submit is what is tested: the submit waits for the settlement's answer however loaded the
        // machine is (a slower answer would accept the job with its escrow pending, and fail it later).
        await using var silo = await PaidJobKit.StartAsync(new JobsSettings().Worker("w1")
            .Set("Marketplace:Jobs:MaxUnfinishedJobsPerClient", "1")
            .Set("Marketplace:Jobs:EscrowAtSubmitWait", "00:01:00"), "w1");
        var quick = await JobsKit.DeployAsync(silo, "quick");
        var tooBig = JobsKit.Job(quick, s => { s.RequestId = "too-big"; s.MaxFuel = JobLimits.MaxFuel; s.MaxPricePerMillionFuel = 100; });
        var e = await Assert.ThrowsAsync<InsufficientFundsException>(() => silo.Grains.SubmitAsync(tooBig));
        Assert.Equal("insufficient_funds", e.Code);
        var id = JobIds.For(JobsKit.Client, "too-big");
        await Assert.ThrowsAsync<JobNotFoundException>(() => silo.Grains.GetGrain<IJobGrain>(id).GetAsync(JobsKit.Client));
        Assert.Null(await silo.Ledger().GetEscrowAsync(id));
        Assert.Equal((UInt128)PaidJobKit.Deposit, (await silo.Ledger().GetBalanceAsync(JobsKit.Client)).Available);

        // The refused submit gave its quota place back: the client's one unfinished job may still be submitted.
        var fits = await silo.Grains.SubmitAsync(JobsKit.Job(quick, s => { s.MaxFuel = 1_000_000; s.MaxPricePerMillionFuel = 1; }));
        Assert.Equal(JobStatus.Completed, (await silo.Grains.WaitTerminalAsync(fits.JobId)).Status);
    }

    [Fact]
    public async Task AResubmitWithTheSameRequestIdEscrowsOnceAndAJobWithoutAMaxPriceIsEscrowedAtTheDefault()
    {
        await using var silo = await PaidJobKit.StartAsync(new JobsSettings().Worker("w1").Set("Marketplace:Jobs:DefaultMaxPricePerMillionFuel", "7"), "w1");
        var quick = await JobsKit.DeployAsync(silo, "quick");
        var submission = JobsKit.Job(quick, s => { s.RequestId = "once"; s.MaxFuel = 1_000_000; });
        var first = await silo.Grains.SubmitAsync(submission);
        var again = await silo.Grains.SubmitAsync(submission);
        Assert.Equal(first.JobId, again.JobId);
        Assert.Equal((UInt128)7_000_000, (await silo.Ledger().GetEscrowAsync(first.JobId))!.Amount);
        await silo.Grains.WaitTerminalAsync(first.JobId);
        var settlement = await silo.WaitSettledAsync(first.JobId);
        await silo.Grains.SubmitAsync(submission);
        Assert.Equal(1, await silo.SettlementEntriesAsync(first.JobId));
        Assert.Equal((UInt128)PaidJobKit.Deposit - settlement.Charged, (await silo.Ledger().GetBalanceAsync(JobsKit.Client)).Available);
    }

    [Fact]
    public async Task WithoutADefaultPriceAJobWithoutAMaxPriceIsRefusedNamingTheField()
    {
        await using var silo = await PaidJobKit.StartAsync(new JobsSettings().Worker("w1").Set("Marketplace:Jobs:DefaultMaxPricePerMillionFuel", "0"), "w1");
        var quick = await JobsKit.DeployAsync(silo, "quick");
        var e = await Assert.ThrowsAsync<InvalidRequestException>(() => silo.Grains.SubmitAsync(JobsKit.Job(quick, s => s.RequestId = "no-price")));
        Assert.StartsWith("maxPricePerMillionFuel:", e.Message, StringComparison.Ordinal);
        Assert.Equal((UInt128)PaidJobKit.Deposit, (await silo.Ledger().GetBalanceAsync(JobsKit.Client)).Available);
    }

    [Fact]
    public async Task ASettlementThatFailsIsRetriedUntilItLandsAndPaysExactlyOnceAcrossReactivationsAndRepeatedCalls()
    {
        await using var silo = await PaidJobKit.StartAsync(new JobsSettings().Worker("w1", price: 2), "w1");
        var slow = await JobsKit.DeployAsync(silo, "slow_loop");
        var id = JobIds.For(JobsKit.Client, "flaky");

        // The first pay never reaches the ledger; the second is applied but its answer is lost; the third gets the
        // first settlement back.
        silo.SettlementFaults().FailBefore(SettlementCall.Settle, id, 1);
        silo.SettlementFaults().FailAfter(SettlementCall.Settle, id, 1);
        await silo.Grains.SubmitAsync(JobsKit.Job(slow, s => { s.RequestId = "flaky"; s.InputInline = JobsKit.Iterations(1_000); s.MaxFuel = 10_000_000; s.MaxPricePerMillionFuel = 2; }));
        var done = await silo.Grains.WaitTerminalAsync(id);
        Assert.Equal(JobStatus.Completed, done.Status);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!(await silo.Grains.LogsAsync(id)).Any(l => l.Message.StartsWith("paid:", StringComparison.Ordinal)) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        var logs = await silo.Grains.LogsAsync(id);
        Assert.Equal(2, logs.Count(l => l.Message.StartsWith("settlement failed (TimeoutException: injected Settle fault", StringComparison.Ordinal)));
        Assert.Single(logs, l => l.Message.StartsWith("paid:", StringComparison.Ordinal));
        Assert.Equal(2, silo.SettlementFaults().Injected(id));
        var charge = (UInt128)(ulong)done.FuelConsumed * 2;
        Assert.Equal(charge, await silo.EarningsAsync("w1"));

        // A reactivated job grain and a repeated pay move nothing again.
        await silo.DeactivateJobAsync(id);
        Assert.Equal(JobStatus.Completed, (await silo.Grains.GetGrain<IJobGrain>(id).GetAsync(JobsKit.Client)).Status);
        var first = await silo.WaitSettledAsync(id);
        var repeated = await silo.Ledger().PayAsync(id, new JobPayout { ExecutorId = "w1", Charge = charge });
        Assert.Equal(first.Sequence, repeated.Sequence);
        Assert.Equal(charge, await silo.EarningsAsync("w1"));
        Assert.Equal(1, await silo.SettlementEntriesAsync(id));
        Assert.Equal((UInt128)PaidJobKit.Deposit - charge, (await silo.Ledger().GetBalanceAsync(JobsKit.Client)).Available);
    }

    [Fact]
    public async Task AnOwedSettlementIsRetriedByAReactivatedGrain()
    {
        await using var silo = await PaidJobKit.StartAsync(new JobsSettings().Worker("w1").Set("Marketplace:Jobs:SettlementRetryDelay", "00:10:00").Set("Marketplace:Jobs:MaxRetryDelay", "00:10:00"), "w1");
        var trap = await JobsKit.DeployAsync(silo, "trap");
        var id = JobIds.For(JobsKit.Client, "owed");
        silo.SettlementFaults().FailBefore(SettlementCall.Settle, id, 1);
        await silo.Grains.SubmitAsync(JobsKit.Job(trap, s => { s.RequestId = "owed"; s.MaxFuel = 1_000_000; s.MaxPricePerMillionFuel = 1; }));
        await silo.Grains.WaitTerminalAsync(id);
        while (silo.SettlementFaults().Injected(id) == 0)
        {
            await Task.Delay(10);
        }

        // The retry timer is ten minutes away; a reactivation retries at once.
        Assert.Null((await silo.Ledger().GetEscrowAsync(id))!.Settlement);
        await silo.DeactivateJobAsync(id);
        await silo.Grains.GetGrain<IJobGrain>(id).GetAsync(JobsKit.Client);
        var settlement = await silo.WaitSettledAsync(id);
        Assert.Equal(SettlementOutcome.Refunded, settlement.Outcome);
        Assert.Equal(1, await silo.SettlementEntriesAsync(id));
        Assert.Equal((UInt128)PaidJobKit.Deposit, (await silo.Ledger().GetBalanceAsync(JobsKit.Client)).Available);
    }

    [Fact]
    public async Task ASubmitWhoseEscrowAnswerIsLostIsAcceptedAndRunsOnTheEscrowThatLandedOnce()
    {
        await using var silo = await PaidJobKit.StartAsync(new JobsSettings().Worker("w1"), "w1");
        var quick = await JobsKit.DeployAsync(silo, "quick");
        var id = JobIds.For(JobsKit.Client, "lost");
        silo.SettlementFaults().FailAfter(SettlementCall.Escrow, id, 1);
        var submission = JobsKit.Job(quick, s => { s.RequestId = "lost"; s.MaxFuel = 1_000_000; s.MaxPricePerMillionFuel = 1; });

        var job = await silo.Grains.SubmitAsync(submission);
        var done = await silo.Grains.WaitTerminalAsync(job.JobId);

        Assert.True(done.Status == JobStatus.Completed, await silo.Grains.DescribeAsync(id));
        var settlement = await silo.WaitSettledAsync(id);
        Assert.Equal(SettlementOutcome.Paid, settlement.Outcome);
        Assert.Equal(1, await silo.SettlementEntriesAsync(id));
        Assert.Equal(UInt128.Zero, (await silo.Ledger().GetBalanceAsync(JobsKit.Client)).Escrowed);
        Assert.Equal((UInt128)PaidJobKit.Deposit, (await silo.Ledger().GetBalanceAsync(JobsKit.Client)).Available + await silo.EarningsAsync("w1"));
        var logs = await silo.Grains.LogsAsync(id);
        Assert.True(logs[0].Message.Contains("; escrow of max fuel × 1 per million fuel pending", StringComparison.Ordinal), logs[0].Message);
        Assert.Contains(logs, e => e.Message.StartsWith("escrowed 1000000 ", StringComparison.Ordinal) && e.Message.EndsWith("before matching", StringComparison.Ordinal));
        Assert.Equal(job.JobId, (await silo.Grains.SubmitAsync(submission)).JobId);
    }

    [Fact]
    public async Task AJobWhosePendingEscrowIsRefusedFailsInsufficientFundsWithoutRunningOrMovingMoney()
    {
        await using var silo = await PaidJobKit.StartAsync(new JobsSettings().Worker("w1"), "w1");
        var quick = await JobsKit.DeployAsync(silo, "quick");
        var id = JobIds.For(JobsKit.Client, "too-dear");
        silo.SettlementFaults().FailBefore(SettlementCall.Escrow, id, 1);
        var submission = JobsKit.Job(quick, s => { s.RequestId = "too-dear"; s.MaxFuel = 1_000_000; s.MaxPricePerMillionFuel = PaidJobKit.Deposit + 1; });

        var job = await silo.Grains.SubmitAsync(submission);
        var done = await silo.Grains.WaitTerminalAsync(job.JobId);

        Assert.Equal(JobStatus.Failed, done.Status);
        Assert.Equal(FailureReason.InsufficientFunds, done.FailureReason);
        Assert.Null(done.WorkerId);
        Assert.Contains("the escrow was refused before matching (insufficient_funds)", done.ErrorMessage, StringComparison.Ordinal);
        Assert.Null(await silo.Ledger().GetEscrowAsync(id));
        var balance = await silo.Ledger().GetBalanceAsync(JobsKit.Client);
        Assert.Equal((UInt128)PaidJobKit.Deposit, balance.Available);
        Assert.Equal(UInt128.Zero, balance.Escrowed);
    }

    [Fact]
    public async Task AJobCancelledWithItsEscrowPendingRefundsTheEscrowThatLandedExactlyOnce()
    {
        await using var silo = await PaidJobKit.StartAsync(new JobsSettings().Worker("w1"), "w1");
        var quick = await JobsKit.DeployAsync(silo, "quick");
        var id = JobIds.For(JobsKit.Client, "cancelled");

        // Every escrow call lands and its answer is lost: the job cannot take its escrow up and stays pending.
        silo.SettlementFaults().FailAfter(SettlementCall.Escrow, id, int.MaxValue);
        var job = await silo.Grains.SubmitAsync(JobsKit.Job(quick, s => { s.RequestId = "cancelled"; s.MaxFuel = 1_000_000; s.MaxPricePerMillionFuel = 3; }));
        Assert.Equal(JobStatus.Pending, job.Status);
        Assert.Equal((UInt128)3_000_000, (await silo.Ledger().GetEscrowAsync(id))!.Amount);
        await silo.Grains.GetGrain<IJobGrain>(id).CancelAsync(JobsKit.Client);

        // The settlement answers again: the job takes up the landed escrow to refund it.
        silo.SettlementFaults().FailAfter(SettlementCall.Escrow, id, 0);
        var settlement = await silo.WaitSettledAsync(id);

        Assert.Equal(SettlementOutcome.Refunded, settlement.Outcome);
        Assert.Equal((UInt128)3_000_000, settlement.Refunded);
        Assert.Equal(1, await silo.SettlementEntriesAsync(id));
        var done = await silo.Grains.GetGrain<IJobGrain>(id).GetAsync(JobsKit.Client);
        Assert.Equal(JobStatus.Cancelled, done.Status);
        Assert.Null(done.WorkerId);
        var balance = await silo.Ledger().GetBalanceAsync(JobsKit.Client);
        Assert.Equal((UInt128)PaidJobKit.Deposit, balance.Available);
        Assert.Equal(UInt128.Zero, balance.Escrowed);
    }

    [Fact]
    public async Task A11_AWorkerCrashedMidJobIsPaidNothingAndTheWorkerThatFinishedIsPaidOnce()
    {
        await using var silo = await PaidJobKit.StartAsync(new JobsSettings().Worker("k1", capacity: 1).Worker("k2", capacity: 1).Set("Marketplace:Jobs:LeaseDuration", "00:00:03"), "k1", "k2");
        var slow = await JobsKit.DeployAsync(silo, "slow_loop");
        // Retries to spare: on a loaded machine the survivor's own short lease may lapse once as well.
        var job = await silo.Grains.SubmitAsync(JobsKit.Job(slow, s => { s.InputInline = JobsKit.Iterations(11_000_000); s.MaxFuel = JobLimits.MaxFuel; s.MaxRetries = 5; s.MaxPricePerMillionFuel = 1; }));
        var victim = (await silo.Grains.WaitAsync(job.JobId, j => j.Status == JobStatus.Running)).WorkerId!;
        silo.Faults().Crash(victim);

        var done = await silo.Grains.WaitTerminalAsync(job.JobId, TimeSpan.FromSeconds(120));
        Assert.True(done.Status == JobStatus.Completed, await silo.Grains.DescribeAsync(job.JobId));
        var survivor = done.WorkerId!;
        Assert.NotEqual(victim, survivor);
        var settlement = await silo.WaitSettledAsync(job.JobId);
        Assert.Equal(survivor, settlement.ExecutorId);
        Assert.Equal((UInt128)(ulong)done.FuelConsumed, settlement.Charged);
        Assert.Equal(settlement.Charged, await silo.EarningsAsync(survivor));
        Assert.Equal(UInt128.Zero, await silo.EarningsAsync(victim));
        Assert.Equal(1, await silo.SettlementEntriesAsync(job.JobId));
    }

    [Fact]
    public async Task AWorkerWhoseStakeIsBelowTheMinimumDeclinesWithAReasonUntilItIsStaked()
    {
        await using var silo = await PaidJobKit.StartAsync(new JobsSettings().Worker("w1"));
        await silo.StakeAsync("w1", PaidJobKit.MinimumStake - 1);
        var quick = await JobsKit.DeployAsync(silo, "quick");
        var refused = await silo.Grains.WaitTerminalAsync((await silo.Grains.SubmitAsync(JobsKit.Job(quick, s => { s.MaxFuel = 1_000_000; s.MaxPricePerMillionFuel = 1; }))).JobId);
        Assert.Equal(JobStatus.Failed, refused.Status);
        var reason = Assert.Single(refused.Ineligible);
        Assert.Equal($"worker w1 has a bonded stake of {PaidJobKit.MinimumStake - 1}, below the minimum stake of {PaidJobKit.MinimumStake} to take paid jobs", reason.Reason);
        Assert.Equal(SettlementOutcome.Refunded, (await silo.WaitSettledAsync(refused.JobId)).Outcome);

        await silo.StakeAsync("w1", 1);
        var runs = await silo.Grains.WaitTerminalAsync((await silo.Grains.SubmitAsync(JobsKit.Job(quick, s => { s.MaxFuel = 1_000_000; s.MaxPricePerMillionFuel = 1; }))).JobId);
        Assert.Equal(JobStatus.Completed, runs.Status);
        Assert.Equal("w1", runs.WorkerId);
    }
}
