using System.Globalization;
using Marketplace.GrainInterfaces;
using Marketplace.GrainInterfaces.Json;

namespace Marketplace.Cli.Output;

/// <summary>How balances, ledger receipts and worker stake are shown; amounts in smallest units (a millionth of a price
/// unit).</summary>
internal static class MoneyView
{
    public static void Balance(VerbRun run, ClientBalance balance)
    {
        if (run.Json)
        {
            JsonOutput.Write(run.Environment.Output, balance);
            return;
        }

        run.Environment.Console.Write(Text.Grid(
            ("client", balance.ClientId),
            ("available", Text.Amount(balance.Available)),
            ("escrowed", Text.Amount(balance.Escrowed))));
    }

    public static void Receipt(VerbRun run, LedgerReceipt receipt)
    {
        if (run.Json)
        {
            JsonOutput.Write(run.Environment.Output, receipt);
            return;
        }

        var forClient = receipt.Operation is LedgerOperation.Deposit or LedgerOperation.Withdrawal;
        var rows = new List<(string, string)>
        {
            ("operation", MarketplaceJson.EnumName(receipt.Operation)),
            (forClient ? "client" : "worker", receipt.Owner),
            // Only a withdrawal that found nothing released posts no journal entry.
            ("amount", receipt.Sequence == 0 ? "0: nothing released yet (`earnings` shows the release times)" : Text.Amount(receipt.Amount)),
        };
        if (receipt.OperationId.Length > 0)
        {
            rows.Add((receipt.Operation == LedgerOperation.Deposit ? "deposit id" : "operation id", receipt.OperationId));
        }

        rows.Add(("journal entry", receipt.Sequence == 0 ? "none" : receipt.Sequence.ToString(CultureInfo.InvariantCulture)));
        rows.Add(("at", Text.Time(receipt.At)));
        if (receipt.ReleaseAt is { } releaseAt)
        {
            rows.Add(("released at", Text.Time(releaseAt)));
        }

        run.Environment.Console.Write(Text.Grid([.. rows]));
    }

    public static void Stake(VerbRun run, WorkerStake stake)
    {
        if (run.Json)
        {
            JsonOutput.Write(run.Environment.Output, stake);
            return;
        }

        var unbonding = stake.Unbonding.Aggregate(UInt128.Zero, (sum, request) => sum + request.Amount);
        var rows = new List<(string, string)>
        {
            ("worker", stake.WorkerId),
            ("bonded", Text.Amount(stake.Bonded)),
            ("minimum stake", Text.Amount(stake.MinimumStake)),
            ("meets minimum", stake.MeetsMinimum ? "yes" : "no"),
            ("unbonding", Text.Amount(unbonding)),
        };
        foreach (var request in stake.Unbonding)
        {
            rows.Add(($"unstake {request.UnstakeId}", $"{Text.Amount(request.Amount)}, released at {Text.Time(request.ReleaseAt)}"));
        }

        rows.Add(("earnings", Text.Amount(stake.Earnings)));
        run.Environment.Console.Write(Text.Grid([.. rows]));
    }
}
