using Marketplace.GrainInterfaces;
using Marketplace.GrainInterfaces.Json;

namespace Marketplace.Silo.Api;

/// <summary><c>/v1/programs</c>: deploy, catalog pages, lookup by id or name@version, a name's versions, owner and
/// delegates, state proofs.</summary>
internal static class ProgramEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapPost("/programs", DeployAsync)
            .WithName("DeployProgram")
            .WithSummary("Deploys a signed wasm module (wasm_base64, manifest, signature_hex).")
            .AcceptsJson<ProgramDeployment>()
            .Produces<ProgramInfo>(StatusCodes.Status201Created)
            .ProducesProblems(400, 413, 415, 422);
        api.MapGet("/programs", ListAsync)
            .WithName("ListPrograms")
            .WithSummary("A page of the program catalog, by name then version (?limit=100&cursor=...).")
            .Produces<ProgramList>()
            .ProducesProblems(400);
        api.MapGet("/programs/{reference}", GetAsync)
            .WithName("GetProgram")
            .WithSummary("A program by id, name@version, name@latest or bare name (latest).")
            .Produces<ProgramInfo>()
            .ProducesProblems(400, 404);
        api.MapGet("/programs/{name}/versions", ListVersionsAsync)
            .WithName("ListProgramVersions")
            .WithSummary("A page of the versions deployed under one name, by version (?limit=100&cursor=...).")
            .Produces<ProgramList>()
            .ProducesProblems(400, 404);
        api.MapGet("/programs/{name}/delegates", GetNameAsync)
            .WithName("GetProgramName")
            .WithSummary("A program name's owner, delegates, delegation nonce and version count.")
            .Produces<ProgramNameInfo>()
            .ProducesProblems(400, 404);
        api.MapPost("/programs/{name}/delegates", DelegateAsync)
            .WithName("DelegateProgramName")
            .WithSummary("Records a grant or revocation signed by the name's owner (delegate, action, nonce, signature_hex, signer).")
            .AcceptsJson<ProgramDelegation>()
            .Produces<ProgramNameInfo>()
            .ProducesProblems(400, 403, 404, 413, 415, 422);
        api.MapGet("/programs/{reference}/state", GetStateAsync)
            .WithName("GetProgramState")
            .WithSummary("A program's whole state (version, root, entries) as it is now, or ?root=<64 hex> as it was at that root while the state still keeps that version: what replaying a run that read state needs.")
            .Produces<StateSnapshot>()
            .ProducesProblems(400, 404);
        api.MapGet("/programs/{reference}/state/proof", GetStateProofAsync)
            .WithName("GetStateProof")
            .WithSummary("One key of a program's state (?key=text or ?key_hex=...) with its sparse Merkle proof against the state root.")
            .Produces<StateProof>()
            .ProducesProblems(400, 404);
    }

    private static async Task<IResult> DeployAsync(HttpContext context, IGrainFactory grains)
    {
        var deployment = await JsonRequestBody.ReadAsync<ProgramDeployment>(context.Request);
        if (deployment.Manifest is null)
        {
            throw new InvalidRequestException("manifest is required.");
        }

        if (deployment.Wasm.Length == 0)
        {
            throw new InvalidRequestException("wasm_base64 is empty.");
        }

        var info = await grains.GetGrain<IProgramGrain>(ResourceIds.ProgramIdOf(deployment)).DeployAsync(deployment, ApiClient.BlobCallerOf(context));
        return Results.Created($"/v1/programs/{info.Id}", info);
    }

    private static async Task<IResult> ListAsync(string? limit, string? cursor, IGrainFactory grains)
    {
        var page = await Listings.ProgramsAsync(grains, ResourceIds.Cursor(cursor), PageLimits.Parse(limit));
        return Results.Ok(new ProgramList { Programs = page.Items, NextCursor = page.NextCursor });
    }

    private static async Task<IResult> GetAsync(string reference, IGrainFactory grains)
    {
        ResourceIds.RequireReference(reference, "program reference");
        return Results.Ok(await ProgramReferences.ResolveAsync(grains, reference));
    }

    private static async Task<IResult> ListVersionsAsync(string name, string? limit, string? cursor, IGrainFactory grains)
    {
        var page = await Listings.ProgramVersionsAsync(grains, ResourceIds.RequireProgramName(name), ResourceIds.Cursor(cursor), PageLimits.Parse(limit));
        return Results.Ok(new ProgramList { Programs = page.Items, NextCursor = page.NextCursor });
    }

    private static async Task<IResult> GetNameAsync(string name, IGrainFactory grains)
    {
        var key = ProgramNames.Normalize(ResourceIds.RequireProgramName(name))!;
        return Results.Ok(await grains.GetGrain<IProgramNameGrain>(key).GetAsync()
            ?? throw new ProgramNotFoundException($"no program named '{name}' is deployed"));
    }

    private static async Task<IResult> DelegateAsync(string name, HttpContext context, IGrainFactory grains)
    {
        var key = ProgramNames.Normalize(ResourceIds.RequireProgramName(name))!;
        var delegation = await JsonRequestBody.ReadAsync<ProgramDelegation>(context.Request);
        delegation.Name = name;
        return Results.Ok(await grains.GetGrain<IProgramNameGrain>(key).DelegateAsync(delegation));
    }

    private static async Task<IResult> GetStateAsync(string reference, string? root, IGrainFactory grains)
    {
        ResourceIds.RequireReference(reference, "program reference");
        var program = await ProgramReferences.ResolveAsync(grains, reference);
        return Results.Ok(await grains.GetGrain<IProgramStateGrain>(program.Id).GetStateAsync(program.Id, root));
    }

    private static async Task<IResult> GetStateProofAsync(string reference, string? key, string? key_hex, IGrainFactory grains)
    {
        ResourceIds.RequireReference(reference, "program reference");
        var bytes = (key, key_hex) switch
        {
            ({ } text, null) => System.Text.Encoding.UTF8.GetBytes(text),
            (null, { } hex) when hex.Length % 2 == 0 && hex.All(char.IsAsciiHexDigit) => Convert.FromHexString(hex),
            (null, { } hex) => throw new InvalidRequestException($"key_hex: '{(hex.Length > 80 ? hex[..80] + "…" : hex)}' is not hex."),
            _ => throw new InvalidRequestException("give exactly one of key (text) and key_hex."),
        };
        var program = await ProgramReferences.ResolveAsync(grains, reference);
        return Results.Ok(await grains.GetGrain<IProgramStateGrain>(program.Id).GetProofAsync(bytes));
    }
}
