using Marketplace.GrainInterfaces;

namespace Marketplace.Grains.Programs;

/// <summary>The persisted catalog.</summary>
[GenerateSerializer]
[Alias("marketplace.program-catalog-record")]
internal sealed class ProgramCatalogRecord
{
    /// <summary>Every registered program.</summary>
    [Id(0)]
    public List<ProgramInfo> Programs { get; set; } = [];
}

/// <summary>The program catalog: names, versions, <c>latest</c> and reference resolution. A name belongs to the
/// deployer who first registered it; every version of it must come from the same address.</summary>
internal sealed class ProgramCatalogGrain(
    [PersistentState("program-catalog")] IPersistentState<ProgramCatalogRecord> record) : Grain, IProgramCatalogGrain
{
    /// <inheritdoc />
    public async Task RegisterAsync(ProgramInfo program)
    {
        ArgumentNullException.ThrowIfNull(program);
        var programs = record.State.Programs;
        if (programs.Any(p => p.Id == program.Id))
        {
            return;
        }

        var name = program.Manifest.Name;
        var sameName = programs.Where(p => string.Equals(p.Manifest.Name, name, StringComparison.OrdinalIgnoreCase)).ToList();
        if (sameName.Count > 0 && !string.Equals(sameName[0].Deployer, program.Deployer, StringComparison.OrdinalIgnoreCase))
        {
            throw new ProgramRejectedException($"manifest name: '{name}' belongs to deployer {sameName[0].Deployer}");
        }

        if (sameName.FirstOrDefault(p => p.Manifest.Version == program.Manifest.Version) is { } taken)
        {
            throw new ProgramRejectedException(
                $"manifest version: {name}@{program.Manifest.Version} is already deployed as {taken.Id}");
        }

        programs.Add(program);
        try
        {
            await record.WriteStateAsync();
        }
        catch
        {
            programs.Remove(program);
            throw;
        }
    }

    /// <inheritdoc />
    public Task<List<ProgramInfo>> ListAsync()
    {
        var list = record.State.Programs
            .OrderBy(p => p.Manifest.Name, StringComparer.Ordinal)
            .ThenBy(p => SemanticVersion.TryParse(p.Manifest.Version))
            .ToList();
        return Task.FromResult(list);
    }

    /// <inheritdoc />
    public Task<ProgramInfo> ResolveAsync(string reference)
    {
        if (string.IsNullOrWhiteSpace(reference))
        {
            throw new InvalidRequestException("program: a program id, name@version, name@latest or name is required");
        }

        var programs = record.State.Programs;
        if (ProgramDeployments.NormalizeProgramId(reference) is { } id)
        {
            return Task.FromResult(programs.FirstOrDefault(p => p.Id == id)
                ?? throw new ProgramNotFoundException($"program {id} is not deployed"));
        }

        var at = reference.IndexOf('@', StringComparison.Ordinal);
        var name = at >= 0 ? reference[..at] : reference;
        var version = at >= 0 ? reference[(at + 1)..] : "latest";
        var versions = programs.Where(p => string.Equals(p.Manifest.Name, name, StringComparison.Ordinal)).ToList();
        if (versions.Count == 0)
        {
            throw new ProgramNotFoundException($"no program named '{name}' is deployed");
        }

        if (version == "latest")
        {
            return Task.FromResult(versions.MaxBy(p => SemanticVersion.TryParse(p.Manifest.Version))!);
        }

        return Task.FromResult(versions.FirstOrDefault(p => p.Manifest.Version == version)
            ?? throw new ProgramNotFoundException(
                $"program '{name}' has no version {version} (deployed: {string.Join(", ", versions.Select(p => p.Manifest.Version))})"));
    }
}
