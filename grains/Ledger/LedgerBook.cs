// Design note: all money moves through Post. An entry is checked whole before anything changes: its debits must equal
// its credits, no amount may be zero, and the balance each account would end with is computed first (credits and
// debits of one account netted, in checked UInt128 arithmetic) and must be at least zero for every account but
// "outside", whose balance is kept as its negation (OutsideNet) so no signed type is needed. Only then are the
// balances written and the entry appended, so a refused entry leaves the books exactly as they were. The same fold
// applies dropped entries to the checkpoint, which is why the checkpoint plus the kept journal always gives the
// current balances. Every entry is hashed as it is posted, chained to the one before (LedgerHistoryChain); compacting
// an entry away moves the chain's anchor to it, so the kept journal always checks from the anchor.
using Marketplace.GrainInterfaces;

namespace Marketplace.Grains.Ledger;

/// <summary>Double-entry posting over a <see cref="LedgerState"/>: balanced entries, no negative balance, a bounded
/// journal compacted into a checkpoint.</summary>
internal sealed class LedgerBook(LedgerState state, int maxJournalEntries)
{
    /// <summary>Chains a record stored before the journal was chained: its kept entries are hashed from an anchor at
    /// the checkpoint's sequence. Does nothing to a chained record.</summary>
    public void EnsureChained()
    {
        if (state.Head is not null && state.Anchor is not null)
        {
            return;
        }

        state.Anchor = LedgerChainAnchor.At(state.Checkpoint.Sequence);
        var previous = state.Anchor.Hash;
        foreach (var entry in state.Journal)
        {
            entry.Hash = LedgerHistoryChain.EntryHash(previous, entry);
            previous = entry.Hash;
        }

        state.Head = previous;
    }

    /// <summary>The balance of <paramref name="account"/> (not <see cref="LedgerAccounts.Outside"/>).</summary>
    public UInt128 Balance(string account) => state.Balances.GetValueOrDefault(account);

    /// <summary>Posts one balanced entry and returns it; compacts the journal beyond its bound.</summary>
    /// <exception cref="InsufficientFundsException">An account would go below zero.</exception>
    /// <exception cref="AmountOverflowException">A balance or a sum would pass <see cref="UInt128.MaxValue"/>.</exception>
    public LedgerEntry Post(LedgerOperation operation, string reference, DateTimeOffset at, List<LedgerPosting> postings)
    {
        var changes = Changes(postings);
        var updated = new List<(string Account, UInt128 Balance)>(changes.Count);
        var outside = state.OutsideNet;
        foreach (var (account, (credit, debit)) in changes)
        {
            if (account == LedgerAccounts.Outside)
            {
                // Outside's balance is -OutsideNet: a debit raises the net, a credit lowers it.
                outside = Apply(account, outside, debit, credit);
                continue;
            }

            updated.Add((account, Apply(account, Balance(account), credit, debit)));
        }

        foreach (var (account, balance) in updated)
        {
            Set(state.Balances, account, balance);
        }

        state.OutsideNet = outside;
        var entry = new LedgerEntry
        {
            Sequence = state.Sequence + 1,
            At = at,
            Operation = operation,
            Reference = reference,
            Postings = [.. postings.Where(p => p.Side == PostingSide.Debit), .. postings.Where(p => p.Side == PostingSide.Credit)],
        };
        EnsureChained();
        entry.Hash = LedgerHistoryChain.EntryHash(state.Head!, entry);
        state.Head = entry.Hash;
        state.Sequence = entry.Sequence;
        state.Journal.Add(entry);
        return entry;
    }

    /// <summary>Folds the oldest entries into the checkpoint until at most the bound remain; returns the checkpoint's
    /// sequence when it moved, else null.</summary>
    public long? Compact()
    {
        var excess = state.Journal.Count - maxJournalEntries;
        if (excess <= 0)
        {
            return null;
        }

        var checkpoint = state.Checkpoint;
        for (var i = 0; i < excess; i++)
        {
            var entry = state.Journal[i];
            foreach (var (account, (credit, debit)) in Changes(entry.Postings))
            {
                if (account == LedgerAccounts.Outside)
                {
                    checkpoint.OutsideNet = Apply(account, checkpoint.OutsideNet, debit, credit);
                }
                else
                {
                    Set(checkpoint.Balances, account, Apply(account, checkpoint.Balances.GetValueOrDefault(account), credit, debit));
                }
            }

            checkpoint.Sequence = entry.Sequence;
            state.Anchor = new LedgerChainAnchor { Sequence = entry.Sequence, Hash = entry.Hash };
        }

        state.Journal.RemoveRange(0, excess);
        return checkpoint.Sequence;
    }

    /// <summary>Each account's credits and debits in <paramref name="postings"/>, checked to balance.</summary>
    private static Dictionary<string, (UInt128 Credit, UInt128 Debit)> Changes(List<LedgerPosting> postings)
    {
        if (postings.Count < 2)
        {
            throw new InvalidOperationException("an entry needs at least one debit and one credit");
        }

        var changes = new Dictionary<string, (UInt128 Credit, UInt128 Debit)>(StringComparer.Ordinal);
        UInt128 credits = 0;
        UInt128 debits = 0;
        foreach (var posting in postings)
        {
            if (posting.Amount == UInt128.Zero)
            {
                throw new InvalidOperationException($"a posting of 0 to {posting.Account}");
            }

            var (credit, debit) = changes.GetValueOrDefault(posting.Account);
            if (posting.Side == PostingSide.Credit)
            {
                credit = Add(credit, posting.Amount, posting.Account);
                credits = Add(credits, posting.Amount, "the entry's credits");
            }
            else
            {
                debit = Add(debit, posting.Amount, posting.Account);
                debits = Add(debits, posting.Amount, "the entry's debits");
            }

            changes[posting.Account] = (credit, debit);
        }

        if (credits != debits)
        {
            throw new InvalidOperationException($"an unbalanced entry: debits {debits}, credits {credits}");
        }

        return changes;
    }

    /// <summary><paramref name="balance"/> + <paramref name="raise"/> − <paramref name="lower"/>, never below zero.</summary>
    private static UInt128 Apply(string account, UInt128 balance, UInt128 raise, UInt128 lower)
    {
        if (raise >= lower)
        {
            return Add(balance, raise - lower, account);
        }

        var down = lower - raise;
        return balance >= down
            ? balance - down
            : throw new InsufficientFundsException($"account {account} holds {balance}; {down} is needed");
    }

    private static UInt128 Add(UInt128 a, UInt128 b, string what) => UInt128.MaxValue - a >= b
        ? a + b
        : throw new AmountOverflowException($"{what} would pass {UInt128.MaxValue} smallest units ({a} + {b})");

    private static void Set(Dictionary<string, UInt128> balances, string account, UInt128 balance)
    {
        if (balance == UInt128.Zero)
        {
            balances.Remove(account);
        }
        else
        {
            balances[account] = balance;
        }
    }
}
