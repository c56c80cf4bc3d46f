namespace Marketplace.GrainInterfaces;

/// <summary>
/// Amounts of the settlement: <see cref="UInt128"/> counts of the smallest unit, a millionth of a price unit. Prices
/// are quoted per million fuel (<c>PricePerMillionFuel</c>), so <c>fuel × price</c> is an exact amount with no
/// rounding, and the product of two non-negative <see cref="long"/>s always fits.
/// </summary>
public static class SettlementAmounts
{
    /// <summary>What <paramref name="fuel"/> costs at <paramref name="pricePerMillionFuel"/>: the escrow of a job
    /// (<c>max_fuel × price</c>) or its charge (<c>fuel_used × price</c>).</summary>
    /// <exception cref="InvalidRequestException">A negative fuel or price.</exception>
    public static UInt128 ForFuel(long fuel, long pricePerMillionFuel)
    {
        if (fuel < 0)
        {
            throw new InvalidRequestException($"fuel: {fuel} must not be negative");
        }

        if (pricePerMillionFuel < 0)
        {
            throw new InvalidRequestException($"price: {pricePerMillionFuel} must not be negative");
        }

        return (UInt128)(ulong)fuel * (ulong)pricePerMillionFuel;
    }

    /// <summary><paramref name="percent"/> % of <paramref name="amount"/>, rounded down, without overflow.</summary>
    public static UInt128 PercentOf(UInt128 amount, int percent) =>
        (amount / 100 * (uint)percent) + (amount % 100 * (uint)percent / 100);

    /// <summary>A job's payout split as every settlement splits it: the committee fee
    /// (<paramref name="committeeFeePercent"/> % of the charge, none without a committee) evenly among the members,
    /// rounded down, the rest of the charge (the units left over included) to the executor, the rest of the escrow
    /// back to the client. The split does not depend on the members' order, so the ReceiptRelease contract, which
    /// sees the signers in the order of their id hashes, splits a claim on chain exactly the same way.</summary>
    /// <exception cref="InvalidRequestException">A malformed or repeated id, or a charge above the escrow.</exception>
    public static (UInt128 Executor, List<CommitteeShare> Committee, UInt128 Refunded) SplitPayout(string jobId, UInt128 escrowed, JobPayout payout, int committeeFeePercent)
    {
        ArgumentNullException.ThrowIfNull(payout);
        SettlementIds.Require(payout.ExecutorId, "payout.ExecutorId");
        var members = new HashSet<string>(StringComparer.Ordinal);
        foreach (var member in payout.Committee)
        {
            SettlementIds.Require(member, "payout.Committee");
            if (!members.Add(member))
            {
                throw new InvalidRequestException($"payout.Committee: '{member}' is named twice");
            }
        }

        if (payout.Charge > escrowed)
        {
            throw new InvalidRequestException($"payout.Charge: {payout.Charge} exceeds the escrow of job {jobId} ({escrowed})");
        }

        var fee = payout.Committee.Count == 0 ? UInt128.Zero : PercentOf(payout.Charge, committeeFeePercent);
        var shares = new List<CommitteeShare>(payout.Committee.Count);
        if (payout.Committee.Count > 0)
        {
            var count = (UInt128)(uint)payout.Committee.Count;
            var each = fee / count;
            fee = each * count;
            for (var i = 0; i < payout.Committee.Count; i++)
            {
                shares.Add(new CommitteeShare { WorkerId = payout.Committee[i], Amount = each });
            }
        }

        return (payout.Charge - fee, shares, escrowed - payout.Charge);
    }
}
