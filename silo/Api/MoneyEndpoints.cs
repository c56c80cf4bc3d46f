using Marketplace.GrainInterfaces;
using Marketplace.GrainInterfaces.Json;
using Microsoft.Extensions.Options;

namespace Marketplace.Silo.Api;

/// <summary>Money: a client's balance, a job's settlement, deposits and worker stake (the last two for operators,
/// <see cref="ApiOptions.Operators"/>). Slashing is not reachable over HTTP.</summary>
internal static class MoneyEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/client/balance", GetBalanceAsync)
            .WithName("GetClientBalance")
            .WithSummary("The caller's available balance and the sum of its open job escrows, in smallest units.")
            .Produces<ClientBalance>();
        api.MapPost("/client/deposits", DepositAsync)
            .WithName("Deposit")
            .WithSummary("Operators only: credits a client's balance (idempotent by deposit_id).")
            .Produces<LedgerReceipt>()
            .ProducesProblems(400, 403, 409, 422);
        api.MapGet("/jobs/{id}/settlement", GetSettlementAsync)
            .WithName("GetJobSettlement")
            .WithSummary("The job's escrow and, once it ended, how it was paid or refunded.")
            .Produces<JobSettlementView>()
            .ProducesProblems(400, 403, 404);
        api.MapGet("/workers/{id}/stake", GetStakeAsync)
            .WithName("GetWorkerStake")
            .WithSummary("A worker's bonded and unbonding stake, its earnings and whether it reaches the minimum stake.")
            .Produces<WorkerStake>()
            .ProducesProblems(400);
        api.MapPost("/workers/{id}/stake", StakeAsync)
            .WithName("StakeWorker")
            .WithSummary("Operators only: bonds stake for a worker (idempotent by operation_id); the worker bids with it at once.")
            .Produces<LedgerReceipt>()
            .ProducesProblems(400, 403, 409, 422);
        api.MapPost("/workers/{id}/unstake", UnstakeAsync)
            .WithName("UnstakeWorker")
            .WithSummary("Operators only: moves bonded stake to unbonding, released after the unstake delay (idempotent by operation_id).")
            .Produces<LedgerReceipt>()
            .ProducesProblems(400, 402, 403, 409);
        api.MapGet("/ledger/journal", GetJournalAsync)
            .WithName("GetLedgerJournal")
            .WithSummary("Operators only: a page of the settlement's journal, oldest first, every entry with its hash in the ledger's hash chain, and the chain's anchor and head (export and check it offline with `marketplace history --ledger`).")
            .Produces<LedgerJournalPage>()
            .ProducesProblems(400, 403);
        api.MapPost("/workers/{id}/withdrawals", WithdrawAsync)
            .WithName("WithdrawWorkerFunds")
            .WithSummary("Operators only: pays out the worker's released unbonding stake.")
            .Produces<LedgerReceipt>()
            .ProducesProblems(400, 403);
    }

    private static ISettlement Ledger(IGrainFactory grains) => grains.GetGrain<ISettlement>(ISettlement.DefaultKey);

    private static async Task<IResult> GetBalanceAsync(HttpContext context, IGrainFactory grains) =>
        Results.Ok(await Ledger(grains).GetBalanceAsync(ApiClient.IdOf(context)));

    private static async Task<IResult> DepositAsync(HttpContext context, IGrainFactory grains, IOptions<ApiOptions> options)
    {
        RequireOperator(context, options.Value);
        var body = await JsonRequestBody.ReadAsync<DepositRequest>(context.Request);
        var client = string.IsNullOrEmpty(body.ClientId) ? ApiClient.IdOf(context) : body.ClientId;
        return Results.Ok(await Ledger(grains).DepositAsync(client, body.Amount, body.DepositId));
    }

    private static async Task<IResult> GetSettlementAsync(string id, HttpContext context, IGrainFactory grains)
    {
        var jobId = ResourceIds.RequireReference(id, "job id");
        // The owner check: another client's job answers access_denied, a job that does not exist job_not_found.
        await grains.GetGrain<IJobGrain>(jobId).GetAsync(ApiClient.IdOf(context));
        return Results.Ok(new JobSettlementView { JobId = jobId, Escrow = await Ledger(grains).GetEscrowAsync(jobId) });
    }

    private static async Task<IResult> GetJournalAsync(string? cursor, string? limit, HttpContext context, IGrainFactory grains, IOptions<ApiOptions> options)
    {
        if (!options.Value.Operators.Contains(ApiClient.IdOf(context)))
        {
            throw new AccessDeniedException("only the silo's operators (Marketplace:Api:Operators) may read the settlement's journal: it holds every client's money");
        }

        return Results.Ok(await Ledger(grains).GetJournalAsync(ResourceIds.Cursor(cursor), PageLimits.Parse(limit)));
    }

    private static async Task<IResult> GetStakeAsync(string id, IGrainFactory grains) =>
        Results.Ok(await Ledger(grains).GetStakeAsync(ResourceIds.RequireReference(id, "worker id")));

    private static async Task<IResult> StakeAsync(string id, HttpContext context, IGrainFactory grains, IOptions<ApiOptions> options)
    {
        RequireOperator(context, options.Value);
        var worker = ResourceIds.RequireReference(id, "worker id");
        var body = await JsonRequestBody.ReadAsync<StakeRequest>(context.Request);
        var receipt = await Ledger(grains).StakeAsync(worker, body.Amount, body.OperationId);
        await RefreshAsync(grains, worker);
        return Results.Ok(receipt);
    }

    private static async Task<IResult> UnstakeAsync(string id, HttpContext context, IGrainFactory grains, IOptions<ApiOptions> options)
    {
        RequireOperator(context, options.Value);
        var worker = ResourceIds.RequireReference(id, "worker id");
        var body = await JsonRequestBody.ReadAsync<StakeRequest>(context.Request);
        var receipt = await Ledger(grains).RequestUnstakeAsync(worker, body.Amount, body.OperationId);
        await RefreshAsync(grains, worker);
        return Results.Ok(receipt);
    }

    private static async Task<IResult> WithdrawAsync(string id, HttpContext context, IGrainFactory grains, IOptions<ApiOptions> options)
    {
        RequireOperator(context, options.Value);
        return Results.Ok(await Ledger(grains).WithdrawUnstakedAsync(ResourceIds.RequireReference(id, "worker id")));
    }

    /// <summary>The worker bids with its new stake at once (a worker hosted nowhere reads it when it registers).</summary>
    private static Task RefreshAsync(IGrainFactory grains, string worker) => grains.GetGrain<IWorkerGrain>(worker).RefreshStakeAsync();

    /// <summary>Throws <see cref="AccessDeniedException"/> unless the caller is one of the silo's operators.</summary>
    internal static void RequireOperator(HttpContext context, ApiOptions options)
    {
        if (!options.Operators.Contains(ApiClient.IdOf(context)))
        {
            throw new AccessDeniedException("only the silo's operators (Marketplace:Api:Operators) may move money in or change worker or storage provider stake");
        }
    }
}
