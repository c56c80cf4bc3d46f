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
}
