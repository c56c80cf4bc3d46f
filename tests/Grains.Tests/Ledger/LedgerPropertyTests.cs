// Design note: the property test drives one ledger with seeded random operations (deposits, withdrawals, escrows,
// payments, refunds, stakes, unstakes, withdrawals of released stake and earnings, slashes, clock moves), about a
// quarter of them meant to fail (short funds, reused ids, settled or unknown jobs, charges above the escrow) or to be
// retries. A small model predicts each outcome on the client side; after every step the test reads the books and
// checks the invariants: the accounts add up to what came in from outside (the sum over all accounts, outside
// included, is zero), no account is negative (UInt128 cannot be; the model's balances must match), each open job's
// escrow account holds its escrow and each client's escrowed sum is that of its open jobs, each job has at most one
// settlement entry, and an operation that must not move money leaves the journal where it was.
using System.Globalization;
using Marketplace.GrainInterfaces;
using Marketplace.TestSupport;
using Xunit;
using Xunit.Abstractions;

namespace Marketplace.Grains.Tests.Ledger;

public sealed class LedgerPropertyTests(ITestOutputHelper output)
{
    private static readonly string[] Clients = ["c0", "c1", "c2", "c3", "c4"];
    private static readonly string[] Workers = ["w0", "w1", "w2", "w3"];

    [Fact]
    public async Task RandomOperationsKeepTheBooksBalancedAndSettleEachJobOnce()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("MARKETPLACE_LEDGER_SEED"), CultureInfo.InvariantCulture, out var s) ? s : 20261123;
        var steps = int.TryParse(Environment.GetEnvironmentVariable("MARKETPLACE_LEDGER_STEPS"), CultureInfo.InvariantCulture, out var n) ? n : 2_000;
        output.WriteLine($"seed {seed}, {steps} operations (MARKETPLACE_LEDGER_SEED, MARKETPLACE_LEDGER_STEPS)");
        Console.WriteLine($"ledger property test: seed {seed}, {steps} operations");

        var time = new ManualClock(LedgerKit.Start);
        await using var silo = await LedgerKit.StartAsync(time, maxJournalEntries: 500);
        var run = new Run(silo.Ledger("property"), new Random(seed), time);
        for (var step = 0; step < steps; step++)
        {
            var what = await run.StepAsync();
            try
            {
                await run.CheckAsync();
            }
            catch (Exception e)
            {
                throw new InvalidOperationException($"seed {seed}: invariant broken after step {step} ({what}): {e.Message}", e);
            }
        }

        output.WriteLine($"{run.Failures} operations failed as predicted, {run.Retries} retries, {run.Settled} jobs settled");
        Assert.True(run.Failures > steps / 10, $"only {run.Failures} failing operations");
        Assert.True(run.Settled > steps / 20, $"only {run.Settled} jobs settled");
    }

    private sealed class Run(ISettlement ledger, Random random, ManualClock time)
    {
        private readonly Dictionary<string, UInt128> _available = Clients.ToDictionary(c => c, _ => UInt128.Zero);
        private readonly Dictionary<string, (string Client, UInt128 Amount, SettlementOutcome? Outcome, long Sequence)> _jobs = [];
        private readonly Dictionary<string, (string Client, UInt128 Amount)> _deposits = [];
        private readonly Dictionary<string, int> _settlementEntries = [];
        private readonly List<string> _evidence = [];
        private long _sequence;
        private long _expectedSequence;
        private string? _journalCursor;
        private int _ids;

        public int Failures { get; private set; }

        public int Retries { get; private set; }

        public int Settled { get; private set; }

        public async Task<string> StepAsync()
        {
            var client = Clients[random.Next(Clients.Length)];
            var worker = Workers[random.Next(Workers.Length)];
            switch (random.Next(15))
            {
                case 0:
                case 1:
                    {
                        var id = NewId("d");
                        var amount = Amount(1, 1_000);
                        await Moves(ledger.DepositAsync(client, amount, id));
                        _deposits[id] = (client, amount);
                        _available[client] += amount;
                        return $"deposit {amount} to {client}";
                    }

                case 2 when _deposits.Count > 0:
                    {
                        var (id, (owner, amount)) = _deposits.ElementAt(random.Next(_deposits.Count));
                        if (random.Next(2) == 0)
                        {
                            Retries++;
                            await Still(ledger.DepositAsync(owner, amount, id));
                            return $"deposit retry {id}";
                        }

                        await Fails<SettlementConflictException>(ledger.DepositAsync(owner, amount + 1, id));
                        return $"deposit id reuse {id}";
                    }

                case 3:
                    {
                        var amount = Amount(1, 1_200);
                        if (amount > _available[client])
                        {
                            await Fails<InsufficientFundsException>(ledger.WithdrawAsync(client, amount, NewId("x")));
                            return $"withdraw {amount} from {client}, short";
                        }

                        await Moves(ledger.WithdrawAsync(client, amount, NewId("x")));
                        _available[client] -= amount;
                        return $"withdraw {amount} from {client}";
                    }

                case 4:
                case 5:
                    {
                        var job = NewId("job");
                        var amount = Amount(1, 800);
                        if (amount > _available[client])
                        {
                            await Fails<InsufficientFundsException>(ledger.EscrowAsync(job, client, amount));
                            return $"escrow {amount} of {client}, short";
                        }

                        var escrow = await Moves(ledger.EscrowAsync(job, client, amount));
                        _jobs[job] = (client, amount, null, escrow.Sequence);
                        _available[client] -= amount;
                        return $"escrow {job} {amount} of {client}";
                    }

                case 6 when _jobs.Count > 0:
                    {
                        var (job, record) = _jobs.ElementAt(random.Next(_jobs.Count));
                        Retries++;
                        if (random.Next(3) == 0)
                        {
                            await Fails<SettlementConflictException>(ledger.EscrowAsync(job, record.Client, record.Amount + 1));
                            return $"escrow {job} again with another amount";
                        }

                        await Still(ledger.EscrowAsync(job, record.Client, record.Amount));
                        return $"escrow {job} retry";
                    }

                case 7:
                case 8:
                    return await PayAsync();

                case 9:
                    return await RefundAsync();

                case 10:
                    await Moves(ledger.StakeAsync(worker, Amount(1, 2_000), NewId("s")));
                    return $"stake {worker}";

                case 11:
                    {
                        var amount = Amount(1, 1_500);
                        var bonded = (await ledger.GetStakeAsync(worker)).Bonded;
                        if (amount > bonded)
                        {
                            await Fails<InsufficientFundsException>(ledger.RequestUnstakeAsync(worker, amount, NewId("u")));
                            return $"unstake {amount} of {worker}, short";
                        }

                        await Moves(ledger.RequestUnstakeAsync(worker, amount, NewId("u")));
                        return $"unstake {amount} of {worker}";
                    }

                case 12:
                    {
                        time.Advance(TimeSpan.FromHours(random.Next(0, 72)));
                        var stake = await ledger.GetStakeAsync(worker);
                        var due = stake.Unbonding.Any(u => u.ReleaseAt <= time.GetUtcNow());
                        var receipt = await ledger.WithdrawUnstakedAsync(worker);
                        Assert.Equal(due, receipt.Amount != UInt128.Zero);
                        if (due)
                        {
                            _expectedSequence++;
                        }

                        return $"withdraw unstaked of {worker}";
                    }

                case 13:
                    {
                        if (_evidence.Count > 0 && random.Next(3) == 0)
                        {
                            Retries++;
                            var earlier = _evidence[random.Next(_evidence.Count)];
                            var parts = earlier.Split('|');
                            await Still(ledger.SlashAsync(parts[0], parts[1], Enum.Parse<SlashReason>(parts[2])));
                            return $"slash retry {earlier}";
                        }

                        var reason = (SlashReason)random.Next(4);
                        var evidence = NewId("ev");
                        var stake = await ledger.GetStakeAsync(worker);
                        var result = await ledger.SlashAsync(worker, evidence, reason);
                        if (result.Slashed != UInt128.Zero)
                        {
                            _expectedSequence++;
                        }

                        Assert.True(result.Slashed <= stake.Bonded + LedgerKit.Sum(stake.Unbonding.Select(u => u.Amount)));
                        _evidence.Add($"{worker}|{evidence}|{reason}");
                        return $"slash {worker} {reason}";
                    }

                default:
                    {
                        var amount = Amount(1, 500);
                        var earned = (await ledger.GetStakeAsync(worker)).Earnings;
                        if (amount > earned)
                        {
                            await Fails<InsufficientFundsException>(ledger.WithdrawEarningsAsync(worker, amount, NewId("e")));
                            return $"withdraw earnings {amount} of {worker}, short";
                        }

                        await Moves(ledger.WithdrawEarningsAsync(worker, amount, NewId("e")));
                        return $"withdraw earnings {amount} of {worker}";
                    }
            }
        }

        public async Task CheckAsync()
        {
            var books = await ledger.GetTrialBalanceAsync();
            Assert.Equal(_expectedSequence, books.Sequence);
            Assert.Equal(books.OutsideNet, LedgerKit.Sum(books.Balances.Values));
            Assert.DoesNotContain(books.Balances, b => b.Value == UInt128.Zero);
            foreach (var client in Clients)
            {
                var balance = await ledger.GetBalanceAsync(client);
                Assert.Equal(_available[client], balance.Available);
                var open = LedgerKit.Sum(_jobs.Values.Where(j => j.Client == client && j.Outcome is null).Select(j => j.Amount));
                Assert.Equal(open, balance.Escrowed);
            }

            foreach (var (job, record) in _jobs)
            {
                var held = books.Balances.GetValueOrDefault(LedgerAccounts.JobEscrow(job));
                Assert.Equal(record.Outcome is null ? record.Amount : UInt128.Zero, held);
            }

            // Every new journal entry is read once; a job may have at most one payment or refund entry.
            while (true)
            {
                var page = await ledger.GetJournalAsync(_journalCursor, 1000);
                foreach (var entry in page.Entries.Where(e => e.Sequence > _sequence))
                {
                    Assert.Equal(_sequence + 1, entry.Sequence);
                    _sequence = entry.Sequence;
                    Assert.Equal(
                        LedgerKit.Sum(entry.Postings.Where(p => p.Side == PostingSide.Debit).Select(p => p.Amount)),
                        LedgerKit.Sum(entry.Postings.Where(p => p.Side == PostingSide.Credit).Select(p => p.Amount)));
                    if (entry.Operation is LedgerOperation.Payment or LedgerOperation.Refund)
                    {
                        var count = _settlementEntries[entry.Reference] = _settlementEntries.GetValueOrDefault(entry.Reference) + 1;
                        Assert.Equal(1, count);
                    }
                }

                if (page.Entries.Count > 0)
                {
                    _journalCursor = PageCursor.Encode(Listings.LedgerJournalList, page.Entries[^1].Sequence.ToString(CultureInfo.InvariantCulture));
                }

                if (page.NextCursor is null)
                {
                    break;
                }
            }

            Assert.Equal(_expectedSequence, _sequence);
        }

        private async Task<string> PayAsync()
        {
            if (_jobs.Count == 0 || random.Next(10) == 0)
            {
                await Fails<SettlementConflictException>(ledger.PayAsync(NewId("ghost"), new JobPayout { ExecutorId = "w0", Charge = 1 }));
                return "pay an unknown job";
            }

            var (job, record) = _jobs.ElementAt(random.Next(_jobs.Count));
            var payout = new JobPayout
            {
                ExecutorId = Workers[random.Next(Workers.Length)],
                Charge = Amount(0, (int)(uint)record.Amount),
                Committee = [.. Workers.Where(_ => random.Next(2) == 0)],
            };
            switch (record.Outcome)
            {
                case SettlementOutcome.Refunded:
                    await Fails<SettlementConflictException>(ledger.PayAsync(job, payout));
                    return $"pay refunded {job}";
                case SettlementOutcome.Paid:
                    Retries++;
                    Assert.Equal(record.Sequence, (await Still(ledger.PayAsync(job, payout))).Sequence);
                    return $"pay paid {job} again";
            }

            if (random.Next(8) == 0)
            {
                payout.Charge = record.Amount + 1;
                await Fails<InvalidRequestException>(ledger.PayAsync(job, payout));
                return $"pay {job} above its escrow";
            }

            var settlement = await Moves(ledger.PayAsync(job, payout));
            Assert.Equal(payout.Charge, settlement.ExecutorAmount + LedgerKit.Sum(settlement.CommitteeShares.Select(c => c.Amount)));
            _jobs[job] = record with { Outcome = SettlementOutcome.Paid, Sequence = settlement.Sequence };
            _available[record.Client] += record.Amount - payout.Charge;
            Settled++;
            return $"pay {job} {payout.Charge} of {record.Amount}";
        }

        private async Task<string> RefundAsync()
        {
            if (_jobs.Count == 0 || random.Next(10) == 0)
            {
                await Fails<SettlementConflictException>(ledger.RefundAsync(NewId("ghost"), RefundReason.Failed));
                return "refund an unknown job";
            }

            var (job, record) = _jobs.ElementAt(random.Next(_jobs.Count));
            var reason = (RefundReason)random.Next(5);
            switch (record.Outcome)
            {
                case SettlementOutcome.Paid:
                    await Fails<SettlementConflictException>(ledger.RefundAsync(job, reason));
                    return $"refund paid {job}";
                case SettlementOutcome.Refunded:
                    Retries++;
                    Assert.Equal(record.Sequence, (await Still(ledger.RefundAsync(job, reason))).Sequence);
                    return $"refund refunded {job} again";
            }

            var settlement = await Moves(ledger.RefundAsync(job, reason));
            _jobs[job] = record with { Outcome = SettlementOutcome.Refunded, Sequence = settlement.Sequence };
            _available[record.Client] += record.Amount;
            Settled++;
            return $"refund {job}";
        }

        private UInt128 Amount(int min, int max) => (UInt128)(uint)random.Next(min, max + 1);

        private string NewId(string prefix) => prefix + (++_ids).ToString(CultureInfo.InvariantCulture);

        /// <summary>An operation that must post one entry.</summary>
        private async Task<T> Moves<T>(Task<T> call)
        {
            var result = await call;
            _expectedSequence++;
            return result;
        }

        /// <summary>A retry that must post nothing.</summary>
        private static Task<T> Still<T>(Task<T> call) => call;

        private async Task Fails<TException>(Task call)
            where TException : Exception
        {
            await Assert.ThrowsAsync<TException>(() => call);
            Failures++;
        }
    }
}
