namespace Marketplace.GrainInterfaces;

/// <summary>Reading a program's whole state now or at a past root, with the checks every caller makes (the HTTP API and
/// the grain client).</summary>
public static class ProgramStateReads
{
    /// <summary>The state of program <paramref name="programId"/> now (<paramref name="root"/> null) or at
    /// <paramref name="root"/> (64 hex). Throws <see cref="InvalidRequestException"/> for a malformed root and
    /// <see cref="StateNotKeptException"/> for a root the state no longer keeps.</summary>
    public static async Task<StateSnapshot> GetStateAsync(this IProgramStateGrain state, string programId, string? root)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (root is null)
        {
            return await state.GetSnapshotAsync().ConfigureAwait(false);
        }

        if (root.Length != 64 || !root.All(char.IsAsciiHexDigit))
        {
            throw new InvalidRequestException($"root: '{(root.Length > 80 ? root[..80] + "…" : root)}' is not 64 hex digits.");
        }

        var lower = root.ToLowerInvariant();
        return await state.GetSnapshotAtRootAsync(lower).ConfigureAwait(false)
            ?? throw new StateNotKeptException($"program {programId} no longer keeps its state at root {lower} (only its last versions are kept)");
    }
}
