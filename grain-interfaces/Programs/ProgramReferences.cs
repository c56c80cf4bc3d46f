namespace Marketplace.GrainInterfaces;

/// <summary>
/// Resolves a program reference: a program id (<c>prog</c> + 64 hex, prefix in any case, or bare 64 hex) through the
/// program's own grain, <c>name@version</c>, <c>name@latest</c> or a bare name (latest) through the name's
/// <see cref="IProgramNameGrain"/>. A name that is not a valid program name is not found without addressing a grain.
/// </summary>
public static class ProgramReferences
{
    /// <summary>The version word for the highest version.</summary>
    public const string Latest = "latest";

    /// <summary>Resolves <paramref name="reference"/> with grains of <paramref name="grains"/>.</summary>
    /// <exception cref="InvalidRequestException">The reference is empty.</exception>
    /// <exception cref="ProgramNotFoundException">Nothing is deployed under it.</exception>
    public static Task<ProgramInfo> ResolveAsync(IGrainFactory grains, string reference)
    {
        ArgumentNullException.ThrowIfNull(grains);
        return ResolveAsync(
            reference,
            id => new ValueTask<ProgramInfo?>(grains.GetGrain<IProgramGrain>(id).GetInfoAsync()),
            key => grains.GetGrain<IProgramNameGrain>(key));
    }

    /// <summary>Resolves <paramref name="reference"/>: ids with <paramref name="programById"/> (null: not deployed),
    /// names with the grain <paramref name="nameGrain"/> gives for a normalized name.</summary>
    /// <exception cref="InvalidRequestException">The reference is empty.</exception>
    /// <exception cref="ProgramNotFoundException">Nothing is deployed under it.</exception>
    public static async Task<ProgramInfo> ResolveAsync(string reference, Func<string, ValueTask<ProgramInfo?>> programById, Func<string, IProgramNameGrain> nameGrain)
    {
        ArgumentNullException.ThrowIfNull(programById);
        ArgumentNullException.ThrowIfNull(nameGrain);
        if (string.IsNullOrWhiteSpace(reference))
        {
            throw new InvalidRequestException("program: a program id, name@version, name@latest or name is required");
        }

        if (ProgramDeployments.NormalizeProgramId(reference) is { } id)
        {
            return await programById(id) ?? throw new ProgramNotFoundException($"program {id} is not deployed");
        }

        var at = reference.IndexOf('@', StringComparison.Ordinal);
        var name = at >= 0 ? reference[..at] : reference;
        var version = at >= 0 ? reference[(at + 1)..] : Latest;
        var key = ProgramNames.Normalize(name) ?? throw new ProgramNotFoundException($"no program named '{Clip(name)}' is deployed");
        return await nameGrain(key).ResolveAsync(name, version);
    }

    private static string Clip(string text) => text.Length > 80 ? text[..80] + "…" : text;
}
