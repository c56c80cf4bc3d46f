// Design: storage providers as clients see them, and the provider-side counterparts of the worker money and evidence
// routes. Reads come from StorageProviderLookup, which the sdk's grain client shares, so both transports answer
// alike. Stake moves on the settlement under the provider's id (providers and workers share that namespace), only for
// a provider the directory knows, and only for operators, with the worker routes' rule and bodies. Storage fault
// evidence is checked in the silo before any grain is addressed: the route must name the accused provider, the
// evidence must verify offline, and its grain key is the evidence hash, so one broken commitment is penalised once.
using Marketplace.GrainInterfaces;
using Marketplace.GrainInterfaces.Json;
using Marketplace.Grains.Storage;
using Microsoft.Extensions.Options;

namespace Marketplace.Silo.Api;

/// <summary><c>/v1/providers</c>: the storage providers, their stake (operators) and storage fault evidence.</summary>
internal static class ProviderEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/providers", ListAsync)
            .WithName("ListStorageProviders")
            .WithSummary("Every storage provider the directory knows, by id: online, capacity, free bytes, price per GiB-month, labels, public key, silo and when it last announced itself.")
            .Produces<StorageProviderList>();
        api.MapGet("/providers/{id}", GetAsync)
            .WithName("GetStorageProvider")
            .WithSummary("One storage provider: its newest advertisement, its reputation and its stake.")
            .Produces<StorageProviderView>()
            .ProducesProblems(400, 404);
        api.MapPost("/providers/{id}/stake", StakeAsync)
            .WithName("StakeStorageProvider")
            .WithSummary("Operators only: bonds stake for a storage provider (idempotent by operation_id); placement weighs it at once.")
            .Produces<LedgerReceipt>()
            .ProducesProblems(400, 403, 404, 409, 422);
        api.MapPost("/providers/{id}/unstake", UnstakeAsync)
            .WithName("UnstakeStorageProvider")
            .WithSummary("Operators only: moves a storage provider's bonded stake to unbonding, released after the unstake delay (idempotent by operation_id).")
            .Produces<LedgerReceipt>()
            .ProducesProblems(400, 402, 403, 404, 409);
        api.MapPost("/providers/{id}/withdrawals", WithdrawAsync)
            .WithName("WithdrawStorageProviderFunds")
            .WithSummary("Operators only: pays out the storage provider's released unbonding stake.")
            .Produces<LedgerReceipt>()
            .ProducesProblems(400, 403, 404);
        api.MapPost("/providers/{id}/evidence", SubmitEvidenceAsync)
            .WithName("SubmitStorageFaultEvidence")
            .WithSummary("Checks storage fault evidence against the provider (its signed commitment and a signed audit answer that fails against it) and applies the penalty once: 201 the first time, 200 for a repeat.")
            .AcceptsJson<StorageFaultEvidence>()
            .Produces<StorageFaultAcceptance>(StatusCodes.Status201Created)
            .Produces<StorageFaultAcceptance>()
            .ProducesProblems(400, 415);
    }

    private static ISettlement Ledger(IGrainFactory grains) => grains.GetGrain<ISettlement>(ISettlement.DefaultKey);

    private static async Task<IResult> ListAsync(IGrainFactory grains) =>
        Results.Ok(await StorageProviderLookup.ListAsync(grains));

    private static async Task<IResult> GetAsync(string id, IGrainFactory grains) =>
        Results.Ok(await StorageProviderLookup.GetAsync(grains, id));

    private static async Task<IResult> StakeAsync(string id, HttpContext context, IGrainFactory grains, IOptions<ApiOptions> options)
    {
        MoneyEndpoints.RequireOperator(context, options.Value);
        var provider = await KnownAsync(grains, id);
        var body = await JsonRequestBody.ReadAsync<StakeRequest>(context.Request);
        return Results.Ok(await Ledger(grains).StakeAsync(provider, body.Amount, body.OperationId));
    }

    private static async Task<IResult> UnstakeAsync(string id, HttpContext context, IGrainFactory grains, IOptions<ApiOptions> options)
    {
        MoneyEndpoints.RequireOperator(context, options.Value);
        var provider = await KnownAsync(grains, id);
        var body = await JsonRequestBody.ReadAsync<StakeRequest>(context.Request);
        return Results.Ok(await Ledger(grains).RequestUnstakeAsync(provider, body.Amount, body.OperationId));
    }

    private static async Task<IResult> WithdrawAsync(string id, HttpContext context, IGrainFactory grains, IOptions<ApiOptions> options)
    {
        MoneyEndpoints.RequireOperator(context, options.Value);
        return Results.Ok(await Ledger(grains).WithdrawUnstakedAsync(await KnownAsync(grains, id)));
    }

    private static async Task<IResult> SubmitEvidenceAsync(string id, HttpContext context, IGrainFactory grains)
    {
        var evidence = await JsonRequestBody.ReadAsync<StorageFaultEvidence>(context.Request);
        if (!string.Equals(evidence.ProviderId, id, StringComparison.Ordinal))
        {
            throw new EvidenceInvalidException($"the evidence accuses provider '{Clip(evidence.ProviderId)}', not '{Clip(id)}' named in the path");
        }

        if (StorageFaultEvidenceVerifier.Verify(evidence) is { } failure)
        {
            throw new EvidenceInvalidException(failure);
        }

        var hash = Convert.ToHexStringLower(StorageFaultEvidence.Hash(evidence.Commitment));
        var accepted = await grains.GetGrain<IStorageFaultEvidenceGrain>(hash).SubmitAsync(evidence);
        return accepted.Repeated ? Results.Ok(accepted) : Results.Created((string?)null, accepted);
    }

    /// <summary>The id of a provider the directory knows (<c>provider_not_found</c> otherwise).</summary>
    private static async Task<string> KnownAsync(IGrainFactory grains, string id) =>
        (await StorageProviderLookup.GetAdvertisementAsync(grains, id)).ProviderId;

    private static string Clip(string? text) => text is null ? "" : text.Length > 80 ? text[..80] + "…" : text;
}
