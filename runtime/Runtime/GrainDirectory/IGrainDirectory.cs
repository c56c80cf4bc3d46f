namespace Marketplace.Runtime.GrainDirectory;

/// <summary>
/// Maps grains to their single activation. <see cref="RegisterAsync"/> is first-writer-wins: it returns the address
/// already registered when there is one, so a losing activation learns the winner and forwards to it.
/// The clustering issue replaces the local implementation with a hash-ring directory.
/// </summary>
internal interface IGrainDirectory
{
    /// <summary>Registers <paramref name="address"/> unless the grain already has one; returns the winning address.</summary>
    ValueTask<GrainAddress> RegisterAsync(GrainAddress address);

    /// <summary>Removes the registration if it is still <paramref name="address"/>.</summary>
    ValueTask UnregisterAsync(GrainAddress address);

    /// <summary>The registered address, or null.</summary>
    ValueTask<GrainAddress?> LookupAsync(GrainId grainId);
}
