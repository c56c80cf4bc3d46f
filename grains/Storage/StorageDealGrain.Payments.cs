// Design note: a deal pays each provider per period through the marketplace's settlement (ISettlement), with the same
// exactly-once rules as jobs. Every fragment's price for a period is escrowed from the client under the id
// deal:{deal}:p{period}:f{fragment} when the period starts; when it ends (found by the next audit round), the escrow is
// paid to the fragment's provider if the fragment passed its last audit, refunded to the client otherwise, and the
// next period is escrowed, up to the last period of the deal's term (StorageDealGrain.Term.cs). The settlement is
// idempotent by those ids and the count of settled periods is written after each period, so a retry or a restart in
// the middle pays nothing twice.
using System.Numerics;
using Marketplace.GrainInterfaces;

namespace Marketplace.Grains.Storage;

internal sealed partial class StorageDealGrain
{
    private static readonly TimeSpan Month = TimeSpan.FromDays(30);

    private ISettlement Settlement => GrainFactory.GetGrain<ISettlement>(ISettlement.DefaultKey);

    /// <summary>Escrows period <paramref name="period"/> of every fragment; on a shortfall, refunds what this call
    /// escrowed and rethrows.</summary>
    private async Task EscrowPeriodAsync(DealStatus status, int period)
    {
        var escrowed = new List<string>();
        try
        {
            foreach (var fragment in status.Fragments)
            {
                var id = EscrowId(period, fragment.Index);
                await Settlement.EscrowAsync(id, status.ClientId, PeriodPrice(fragment.PricePerGiBMonth, (long)status.ChunkSize * status.ChunkCount));
                escrowed.Add(id);
            }
        }
        catch (InsufficientFundsException)
        {
            foreach (var id in escrowed)
            {
                await Settlement.RefundAsync(id, RefundReason.Cancelled);
            }

            throw;
        }
    }

    /// <summary>Settles every period that has ended: pays healthy fragments' providers, refunds the rest, escrows
    /// the next period.</summary>
    private async Task SettlePeriodsAsync(DealStatus status)
    {
        if (!status.Paid || status.PaymentProblem.Length > 0)
        {
            return;
        }

        var ended = (int)Math.Min(int.MaxValue, (time.GetUtcNow() - status.CreatedAt).Ticks / Options.PaymentPeriod.Ticks);
        var term = TermPeriods(status);
        if (term > 0)
        {
            ended = TermOver(status) ? term : Math.Min(ended, term);
        }

        while (status.PeriodsSettled < ended)
        {
            var period = status.PeriodsSettled;
            foreach (var fragment in status.Fragments)
            {
                var id = EscrowId(period, fragment.Index);
                if (fragment.Health == FragmentHealth.Healthy)
                {
                    var escrow = await Settlement.GetEscrowAsync(id);
                    await Settlement.PayAsync(id, new JobPayout { ExecutorId = fragment.ProviderId, Charge = escrow?.Amount ?? UInt128.Zero });
                }
                else
                {
                    await Settlement.RefundAsync(id, RefundReason.Failed);
                }
            }

            if (status.State != DealState.Lost && (term == 0 || period + 1 < term))
            {
                try
                {
                    await EscrowPeriodAsync(status, period + 1);
                }
                catch (InsufficientFundsException e)
                {
                    status.PaymentProblem = $"period {period + 1} could not be escrowed: {e.Message}";
                }
            }

            status.PeriodsSettled = period + 1;
            await state.WriteStateAsync();
            if (status.PaymentProblem.Length > 0 || status.State == DealState.Lost)
            {
                return;
            }
        }
    }

    private string EscrowId(int period, int fragment) =>
        $"deal:{DealId}:p{period.ToString(System.Globalization.CultureInfo.InvariantCulture)}:f{fragment.ToString(System.Globalization.CultureInfo.InvariantCulture)}";

    /// <summary>One fragment's price for one period: price per GiB-month × GiB × period / 30 days, rounded up, at
    /// least 1.</summary>
    private UInt128 PeriodPrice(long pricePerGiBMonth, long fragmentBytes)
    {
        var numerator = new BigInteger(pricePerGiBMonth) * fragmentBytes * Options.PaymentPeriod.Ticks;
        var denominator = new BigInteger(1L << 30) * Month.Ticks;
        var price = BigInteger.Max(BigInteger.One, (numerator + denominator - 1) / denominator);
        return (UInt128)price;
    }
}
