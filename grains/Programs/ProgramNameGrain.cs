// Design note: one grain per program name (key = the lowercase name) holds everything the catalog knows about the
// name: its versions in catalog order, its owner (the first deployer) and the delegates the owner signed for. A deploy
// registers here after all module checks passed, so the ownership rule and name@version uniqueness are decided in one
// grain turn per name, and deploys of different names never wait for each other. Reads (resolution, listing, info)
// are read-only turns that interleave. A name grain that has never stored a record first asks the catalog grain for
// the name's programs in the single record of earlier versions (see ProgramCatalogGrain), so an upgraded silo
// resolves every old name from the first call.
using Marketplace.GrainInterfaces;
using Microsoft.Extensions.Logging;

namespace Marketplace.Grains.Programs;

/// <summary>One program name of the catalog (key = the normalized name).</summary>
internal sealed class ProgramNameGrain(
    [PersistentState("program-name")] IPersistentState<ProgramNameRecord> record,
    ILoggerFactory loggers) : Grain, IProgramNameGrain
{
    /// <summary>Versions a "has no version" message lists before it says how many more there are.</summary>
    private const int VersionsShown = 20;

    private readonly ProgramsLog _log = new(loggers.CreateLogger(ProgramsLog.Category));
    private readonly AbsentResourceRetirement _absent = new();

    private string Key => this.GetPrimaryKeyString();

    private ProgramNameRecord State => record.State;

    /// <inheritdoc />
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (record.RecordExists || !ProgramNames.IsNormalized(Key))
        {
            return;
        }

        var legacy = await GrainFactory.GetGrain<ILegacyProgramCatalogGrain>(IProgramCatalogGrain.DefaultKey).GetLegacyVersionsAsync(Key);
        if (legacy.Count == 0)
        {
            return;
        }

        State.Owner = legacy[0].Deployer;
        State.Versions = [.. legacy];
        State.Versions.Sort(ProgramVersionOrder.Instance);
        await record.WriteStateAsync();
    }

    /// <inheritdoc />
    public async Task RegisterAsync(ProgramInfo program)
    {
        ArgumentNullException.ThrowIfNull(program);
        var name = program.Manifest.Name;
        if (!string.Equals(ProgramNames.Normalize(name), Key, StringComparison.Ordinal))
        {
            throw new ProgramRejectedException($"manifest name: '{name}' is not a name of the catalog entry '{Key}'");
        }

        var versions = State.Versions;
        if (versions.Exists(p => p.Id == program.Id))
        {
            return;
        }

        var firstVersion = State.Owner.Length == 0;
        if (!firstVersion && !MayDeploy(program.Deployer))
        {
            throw new ProgramRejectedException(
                $"manifest name: '{name}' belongs to deployer {State.Owner}; {program.Deployer} is not a delegate of it (the owner grants one with a signed delegation)");
        }

        if (versions.Find(p => p.Manifest.Version == program.Manifest.Version) is { } taken)
        {
            throw new ProgramRejectedException(
                $"manifest version: {name}@{program.Manifest.Version} is already deployed as {taken.Id}");
        }

        var at = versions.BinarySearch(program, ProgramVersionOrder.Instance);
        at = at >= 0 ? at + 1 : ~at;
        versions.Insert(at, program);
        if (firstVersion)
        {
            State.Owner = program.Deployer;
        }

        try
        {
            await record.WriteStateAsync();
        }
        catch
        {
            versions.RemoveAt(at);
            if (firstVersion)
            {
                State.Owner = "";
            }

            throw;
        }
    }

    /// <inheritdoc />
    public Task<ProgramInfo> ResolveAsync(string name, string version)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(version);
        var versions = State.Versions;
        var first = versions.FindIndex(p => string.Equals(p.Manifest.Name, name, StringComparison.Ordinal));
        if (first < 0)
        {
            LeaveUnlessDeployed();
            throw new ProgramNotFoundException($"no program named '{name}' is deployed");
        }

        // Versions of one name are contiguous and ascending, so the last of the run is the latest.
        var last = first;
        while (last + 1 < versions.Count && string.Equals(versions[last + 1].Manifest.Name, name, StringComparison.Ordinal))
        {
            last++;
        }

        if (version == ProgramReferences.Latest)
        {
            return Task.FromResult(versions[last]);
        }

        for (var i = first; i <= last; i++)
        {
            if (versions[i].Manifest.Version == version)
            {
                return Task.FromResult(versions[i]);
            }
        }

        var count = last - first + 1;
        var shown = string.Join(", ", versions.Skip(first).Take(Math.Min(count, VersionsShown)).Select(p => p.Manifest.Version));
        throw new ProgramNotFoundException(
            $"program '{name}' has no version {version} (deployed: {shown}{(count > VersionsShown ? $" and {count - VersionsShown} more" : "")})");
    }

    /// <inheritdoc />
    public Task<List<ProgramInfo>> ListVersionsAsync(string? afterName, string? afterVersion, int limit)
    {
        PageLimits.CheckGrainCall(limit);
        var versions = State.Versions;
        if (versions.Count == 0)
        {
            LeaveUnlessDeployed();
        }

        var start = 0;
        if (afterName is not null || afterVersion is not null)
        {
            var version = SemanticVersion.TryParse(afterVersion);
            if (afterName is null || version is null)
            {
                throw new InvalidRequestException("cursor: its position is not a program name and version; pass the next_cursor of the previous page unchanged");
            }

            // The first version after the position (binary search over the catalog order).
            var low = 0;
            var high = versions.Count;
            while (low < high)
            {
                var middle = (low + high) / 2;
                if (ProgramVersionOrder.Compare(afterName, version, versions[middle]) >= 0)
                {
                    low = middle + 1;
                }
                else
                {
                    high = middle;
                }
            }

            start = low;
        }

        return Task.FromResult(versions.GetRange(start, Math.Min(limit, versions.Count - start)));
    }

    /// <inheritdoc />
    public Task<ProgramNameInfo?> GetAsync()
    {
        LeaveUnlessDeployed();
        return Task.FromResult(State.Versions.Count == 0 ? null : Info());
    }

    /// <inheritdoc />
    public async Task<ProgramNameInfo> DelegateAsync(ProgramDelegation delegation)
    {
        ArgumentNullException.ThrowIfNull(delegation);
        if (!string.Equals(ProgramNames.Normalize(delegation.Name), Key, StringComparison.Ordinal))
        {
            throw new InvalidRequestException($"name: the delegation names '{Clip(delegation.Name)}', not '{Key}'");
        }

        var delegateAddress = ProgramDelegations.ParseDelegate(delegation.Delegate).ToChecksumString();
        if (delegation.Nonce < 1)
        {
            throw new InvalidRequestException($"nonce: {delegation.Nonce} must be at least 1");
        }

        var action = ProgramDelegations.ActionName(delegation.Action);
        if (State.Versions.Count == 0)
        {
            LeaveUnlessDeployed();
            throw new ProgramNotFoundException($"no program named '{Key}' is deployed");
        }

        var signer = ProgramDelegations.RecoverSigner(delegation);
        if (!string.Equals(signer, State.Owner, StringComparison.OrdinalIgnoreCase))
        {
            throw new AccessDeniedException(
                $"delegation: '{Key}' belongs to {State.Owner}; only its owner delegates it, and this statement is signed by {signer}");
        }

        if (delegation.Nonce <= State.DelegationNonce)
        {
            throw new ProgramRejectedException(
                $"nonce: {delegation.Nonce} is not above {State.DelegationNonce}, the nonce of the last delegation of '{Key}' (each statement is accepted once, in order)");
        }

        if (string.Equals(delegateAddress, State.Owner, StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidRequestException($"delegate: {delegateAddress} is the owner of '{Key}', who deploys without a delegation");
        }

        var delegates = State.Delegates;
        var index = delegates.FindIndex(d => string.Equals(d, delegateAddress, StringComparison.OrdinalIgnoreCase));
        var previousNonce = State.DelegationNonce;
        if (delegation.Action == DelegationAction.Grant && index < 0)
        {
            if (delegates.Count >= ProgramDelegations.MaxDelegates)
            {
                throw new ProgramRejectedException(
                    $"delegates: '{Key}' has {delegates.Count} delegates, the most a name holds; revoke one first");
            }

            delegates.Add(delegateAddress);
        }
        else if (delegation.Action == DelegationAction.Revoke && index >= 0)
        {
            delegates.RemoveAt(index);
        }

        State.DelegationNonce = delegation.Nonce;
        try
        {
            await record.WriteStateAsync();
        }
        catch
        {
            State.DelegationNonce = previousNonce;
            if (delegation.Action == DelegationAction.Grant && index < 0)
            {
                delegates.Remove(delegateAddress);
            }
            else if (delegation.Action == DelegationAction.Revoke && index >= 0)
            {
                delegates.Insert(index, delegateAddress);
            }

            throw;
        }

        _log.Delegation(Key, State.Owner, action, delegateAddress, delegation.Nonce);
        return Info();
    }

    private bool MayDeploy(string deployer) =>
        string.Equals(deployer, State.Owner, StringComparison.OrdinalIgnoreCase)
        || State.Delegates.Exists(d => string.Equals(d, deployer, StringComparison.OrdinalIgnoreCase));

    private ProgramNameInfo Info()
    {
        var versions = State.Versions;
        ProgramInfo? latest = null;
        foreach (var version in versions)
        {
            if (latest is null || SemanticVersion.TryParse(version.Manifest.Version)?.CompareTo(SemanticVersion.TryParse(latest.Manifest.Version)) > 0)
            {
                latest = version;
            }
        }

        return new ProgramNameInfo
        {
            Name = Key,
            Owner = State.Owner,
            Delegates = [.. State.Delegates],
            DelegationNonce = State.DelegationNonce,
            VersionCount = versions.Count,
            LatestVersion = latest?.Manifest.Version ?? "",
        };
    }

    /// <summary>A read of a name with nothing deployed must not keep an activation in memory; it leaves a moment later
    /// (<see cref="AbsentResourceRetirement"/>).</summary>
    private void LeaveUnlessDeployed()
    {
        if (State.Versions.Count == 0)
        {
            _absent.Schedule(this, () => State.Versions.Count == 0, DeactivateOnIdle);
        }
    }

    private static string Clip(string? text) => text is null ? "" : text.Length > 80 ? text[..80] + "…" : text;
}
