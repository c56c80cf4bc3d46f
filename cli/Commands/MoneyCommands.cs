// Design: the money verbs, thin over the sdk's settlement calls. `balance` reads the caller's funds and `earnings` a
// worker's stake (anyone may); `deposit`, `stake`, `unstake` and `withdraw` are operators' moves, which the silo
// refuses to anyone else (forbidden over HTTP, gateway_refused through a gateway service bound to one client). Each
// move is idempotent by its id; an id the command line does not give is made here and printed on stderr before
// anything is sent, so a run cut short can be repeated with it without moving the amount twice. Amounts and ids are
// checked before connecting.
using System.CommandLine;
using Marketplace.Cli.Output;
using Marketplace.GrainInterfaces;
using Marketplace.Sdk;
using Marketplace.Cli.Parsing;

namespace Marketplace.Cli.Commands;

/// <summary><c>balance</c>, <c>deposit</c>, <c>stake</c>, <c>unstake</c>, <c>withdraw</c>, <c>earnings</c>.</summary>
internal static class MoneyCommands
{
    public static IEnumerable<Command> Create(CliContext context) =>
        [Balance(context), Deposit(context), Stake(context), Unstake(context), Withdraw(context), Earnings(context)];

    private static Option<string> Amount(string description) => new("--amount") { Description = description, Required = true };

    private static Argument<string> WorkerId() => new("worker-id") { Description = "The worker id." };

    private static Option<string?> OperationId(string description) => new("--operation-id") { Description = description };

    private static Command Balance(CliContext context)
    {
        var command = new Command("balance", "Show your available balance and the sum your open jobs hold in escrow, in smallest units.");
        context.SetAction(command, async run =>
        {
            var client = await run.ClientAsync().ConfigureAwait(false);
            MoneyView.Balance(run, await client.GetBalanceAsync(run.CancellationToken).ConfigureAwait(false));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Deposit(CliContext context)
    {
        var amount = Amount("The amount to credit, in smallest units (a millionth of a price unit).");
        var creditedClient = new Option<string?>("--client") { Description = "The client credited (default: the client you act as)." };
        var depositId = new Option<string?>("--deposit-id") { Description = "Your id for the deposit: a repeat with it credits nothing again (default: a new one, printed)." };
        var command = new Command("deposit", "Operators: credit a client's balance from outside.") { amount, creditedClient, depositId };
        context.SetAction(command, async run =>
        {
            var value = ValueText.Amount(amount.Name, run.Get(amount)!);
            var credited = run.Get(creditedClient) is { } given ? ValueText.SettlementId(creditedClient.Name, given) : null;
            var id = await IdOrNewAsync(run, depositId, "deposit").ConfigureAwait(false);
            var client = await run.ClientAsync().ConfigureAwait(false);
            MoneyView.Receipt(run, await client.DepositAsync(value, id, credited, run.CancellationToken).ConfigureAwait(false));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Stake(CliContext context) => StakeMove(context, "stake",
        "Operators: bond stake for a worker from outside; the worker bids with it at once.",
        "The amount to bond, in smallest units.",
        "Your id for the stake: a repeat with it bonds nothing again (default: a new one, printed).",
        static (client, workerId, value, id, cancellationToken) => client.StakeAsync(workerId, value, id, cancellationToken));

    private static Command Unstake(CliContext context) => StakeMove(context, "unstake",
        "Operators: move a worker's bonded stake to unbonding, released after the settlement's unstake delay.",
        "The amount of bonded stake to unbond, in smallest units.",
        "Your id for the unstake: a repeat with it unbonds nothing again (default: a new one, printed).",
        static (client, workerId, value, id, cancellationToken) => client.UnstakeAsync(workerId, value, id, cancellationToken));

    /// <summary>A verb that moves an amount of a worker's stake under an operation id (<c>stake</c>, <c>unstake</c>).</summary>
    private static Command StakeMove(CliContext context, string name, string description, string amountHelp, string idHelp,
        Func<IMarketplaceClient, string, UInt128, string, CancellationToken, Task<LedgerReceipt>> move)
    {
        var worker = WorkerId();
        var amount = Amount(amountHelp);
        var operationId = OperationId(idHelp);
        var command = new Command(name, description) { worker, amount, operationId };
        context.SetAction(command, async run =>
        {
            var workerId = ValueText.SettlementId(worker.Name, run.Get(worker)!);
            var value = ValueText.Amount(amount.Name, run.Get(amount)!);
            var id = await IdOrNewAsync(run, operationId, name).ConfigureAwait(false);
            var client = await run.ClientAsync().ConfigureAwait(false);
            MoneyView.Receipt(run, await move(client, workerId, value, id, run.CancellationToken).ConfigureAwait(false));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Withdraw(CliContext context)
    {
        var worker = WorkerId();
        var command = new Command("withdraw", "Operators: pay out a worker's unbonding stake whose release time has passed.") { worker };
        context.SetAction(command, async run =>
        {
            var workerId = ValueText.SettlementId(worker.Name, run.Get(worker)!);
            var client = await run.ClientAsync().ConfigureAwait(false);
            MoneyView.Receipt(run, await client.WithdrawUnstakedAsync(workerId, run.CancellationToken).ConfigureAwait(false));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Earnings(CliContext context)
    {
        var worker = WorkerId();
        var command = new Command("earnings", "Show a worker's bonded and unbonding stake, its earnings and whether it reaches the minimum stake.") { worker };
        context.SetAction(command, async run =>
        {
            var workerId = ValueText.SettlementId(worker.Name, run.Get(worker)!);
            var client = await run.ClientAsync().ConfigureAwait(false);
            MoneyView.Stake(run, await client.GetWorkerStakeAsync(workerId, run.CancellationToken).ConfigureAwait(false));
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>The id given with <paramref name="option"/>, or a new one, printed on stderr before anything is sent.</summary>
    private static async Task<string> IdOrNewAsync(VerbRun run, Option<string?> option, string operation)
    {
        if (run.Get(option) is { } given)
        {
            return ValueText.SettlementId(option.Name, given);
        }

        var id = $"{operation}-{Guid.NewGuid():N}";
        await run.Environment.Error.WriteLineAsync($"{operation} id {id} (new): repeat with {option.Name} {id} to retry without moving the amount twice").ConfigureAwait(false);
        return id;
    }
}
