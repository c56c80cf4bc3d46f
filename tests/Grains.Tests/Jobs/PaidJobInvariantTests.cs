using System.Globalization;
using Marketplace.GrainInterfaces;
using Marketplace.Grains.Jobs.TestHooks;
using Xunit;
using Xunit.Abstractions;

namespace Marketplace.Grains.Tests.Jobs;

/// <summary>A seeded random mix of paid jobs (completions, failures, cancels, resubmits, reactivated job grains,
/// settlement calls that fail or are repeated) keeps the books balanced and settles each job once.
/// <c>MARKETPLACE_PAID_JOBS_SEED</c> replays a seed; the seed is printed.</summary>
public sealed class PaidJobInvariantTests(ITestOutputHelper output)
{
    [Fact]
    public async Task RandomPaidJobsKeepTheTrialBalanceAndPayEachJobAtMostOnce()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("MARKETPLACE_PAID_JOBS_SEED"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var given)
            ? given : Random.Shared.Next();
        output.WriteLine($"seed {seed} (MARKETPLACE_PAID_JOBS_SEED={seed} replays it)");
        var random = new Random(seed);

        await using var silo = await PaidJobKit.StartAsync(new JobsSettings().Worker("r1", price: 1, capacity: 4).Worker("r2", price: 2, capacity: 4), "r1", "r2");
        var quick = await JobsKit.DeployAsync(silo, "quick");
        var slow = await JobsKit.DeployAsync(silo, "slow_loop");
        var trap = await JobsKit.DeployAsync(silo, "trap");
        var faults = silo.SettlementFaults();
        var inside = (UInt128)PaidJobKit.Deposit + 2 * (UInt128)PaidJobKit.MinimumStake;
        var jobs = new List<string>();
        for (var step = 0; step < 40; step++)
        {
            var requestId = $"r{step}";
            var id = JobIds.For(JobsKit.Client, requestId);
            switch (random.Next(7))
            {
                case 0 or 1:
                    await Submit(quick, requestId);
                    break;
                case 2:
                    await Submit(trap, requestId);
                    break;
                case 3:
                    faults.FailBefore(SettlementCall.Settle, id, random.Next(1, 3));
                    faults.FailAfter(SettlementCall.Settle, id, random.Next(0, 2));
                    await Submit(quick, requestId);
                    break;
                case 4:
                    var running = await Submit(slow, requestId, iterations: int.MaxValue);
                    await silo.Grains.GetGrain<IJobGrain>(running).CancelAsync(JobsKit.Client);
                    break;
                case 5 when jobs.Count > 0:
                    // An earlier job's grain is reactivated: it loads its settled state and moves nothing again.
                    var earlier = jobs[random.Next(jobs.Count)];
                    await silo.DeactivateJobAsync(earlier);
                    break;
                default:
                    // A lost escrow answer at submit: the job is accepted with its escrow pending and takes up the
                    // escrow that landed (once) before it is matched.
                    faults.FailAfter(SettlementCall.Escrow, id, 1);
                    await Submit(quick, requestId);
                    break;
            }

            var trial = await silo.Ledger().GetTrialBalanceAsync();
            Assert.Equal(trial.OutsideNet, Ledger.LedgerKit.Sum(trial.Balances.Values));
            Assert.Equal(inside, trial.OutsideNet);
        }

        foreach (var id in jobs)
        {
            if (await silo.Ledger().GetEscrowAsync(id) is null)
            {
                continue;
            }

            var settlement = await silo.WaitSettledAsync(id);
            if (random.Next(2) == 0)
            {
                // A repeated settlement call returns the first one.
                var again = settlement.Outcome == SettlementOutcome.Paid
                    ? await silo.Ledger().PayAsync(id, new JobPayout { ExecutorId = settlement.ExecutorId, Charge = settlement.Charged })
                    : await silo.Ledger().RefundAsync(id, RefundReason.Failed);
                Assert.Equal(settlement.Sequence, again.Sequence);
            }

            Assert.Equal(1, await silo.SettlementEntriesAsync(id));
        }

        var balance = await silo.Ledger().GetBalanceAsync(JobsKit.Client);
        Assert.Equal(UInt128.Zero, balance.Escrowed);
        var earned = await silo.EarningsAsync("r1") + await silo.EarningsAsync("r2");
        Assert.Equal((UInt128)PaidJobKit.Deposit, balance.Available + earned);
        await silo.AssertBalancedAsync(inside);
        output.WriteLine($"{jobs.Count} jobs, client paid {earned}");

        async Task<string> Submit(string program, string requestId, int iterations = 100)
        {
            var submission = JobsKit.Job(program, s =>
            {
                s.RequestId = requestId;
                s.InputInline = JobsKit.Iterations(iterations);
                // A job to be cancelled gets a budget it cannot burn before the cancel arrives, even on a loaded
                // machine; the draw is still made, so a seed replays the same steps.
                var fuel = random.Next(1, 10) * 1_000_000L;
                s.MaxFuel = program == slow ? 400_000_000L : fuel;
                s.MaxPricePerMillionFuel = random.Next(2, 5);
                s.TimeoutMs = 20_000;
            });
            var info = await silo.Grains.SubmitAsync(submission);
            jobs.Add(info.JobId);
            if (random.Next(3) == 0)
            {
                Assert.Equal(info.JobId, (await silo.Grains.SubmitAsync(submission)).JobId);
            }

            if (program != slow)
            {
                await silo.Grains.WaitTerminalAsync(info.JobId);
            }

            return info.JobId;
        }
    }
}
