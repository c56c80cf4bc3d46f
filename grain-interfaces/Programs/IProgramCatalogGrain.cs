namespace Marketplace.GrainInterfaces;

/// <summary>
/// The catalog of deployed programs (one grain, key <see cref="DefaultKey"/>): listing and name@version resolution,
/// several versions per name, <c>latest</c> = the highest version (semantic-version order).
/// </summary>
public interface IProgramCatalogGrain : IGrainWithStringKey
{
    /// <summary>The key of the catalog grain.</summary>
    const string DefaultKey = "default";

    /// <summary>Records a deployed program (called by <see cref="IProgramGrain"/>).</summary>
    Task RegisterAsync(ProgramInfo program);

    /// <summary>Every deployed program, by name then version.</summary>
    Task<List<ProgramInfo>> ListAsync();

    /// <summary>Resolves a reference: a program id (<c>prog…</c> or 64 hex), <c>name@version</c>, <c>name@latest</c>
    /// or a bare name (latest). Throws <see cref="ProgramNotFoundException"/>.</summary>
    Task<ProgramInfo> ResolveAsync(string reference);
}
