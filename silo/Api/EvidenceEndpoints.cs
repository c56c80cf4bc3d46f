using Marketplace.GrainInterfaces;

namespace Marketplace.Silo.Api;

/// <summary>Evidence of misbehaviour anyone may hand in: <c>POST /v1/evidence</c> with a double-sign evidence file.</summary>
internal static class EvidenceEndpoints
{
    public static void Map(RouteGroupBuilder api) =>
        api.MapPost("/evidence", SubmitAsync)
            .WithName("SubmitEvidence")
            .WithSummary("Checks double-sign evidence (two receipts one worker key signed for one job with different results) and applies the maximum penalty once: 201 the first time, 200 for a repeat.")
            .Produces<EvidenceAcceptance>(StatusCodes.Status201Created)
            .Produces<EvidenceAcceptance>()
            .ProducesProblems(400);

    private static async Task<IResult> SubmitAsync(HttpContext context, IGrainFactory grains)
    {
        JsonRequestBody.RequireJsonMediaType(context.Request.ContentType);
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
        DoubleSignEvidence evidence;
        try
        {
            evidence = DoubleSignEvidenceJson.Parse(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
        }
        catch (ReceiptFormatException e)
        {
            throw new EvidenceInvalidException(e.Message);
        }

        var check = DoubleSignEvidenceVerifier.Verify(evidence);
        if (!check.IsValid)
        {
            throw new EvidenceInvalidException($"{check.Failure}: {check.Detail}");
        }

        var hash = Convert.ToHexStringLower(check.EvidenceHash);
        var accepted = await grains.GetGrain<IDoubleSignEvidenceGrain>(hash).SubmitAsync(evidence);
        return accepted.Repeated ? Results.Ok(accepted) : Results.Created((string?)null, accepted);
    }
}
