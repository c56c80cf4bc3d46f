namespace Marketplace.GrainInterfaces;

/// <summary>One page of a list: its entries in the list's order and the cursor of the next page.</summary>
/// <typeparam name="T">The entry type.</typeparam>
public sealed class Page<T>
{
    /// <summary>The entries of this page (at most the limit asked for).</summary>
    public List<T> Items { get; init; } = [];

    /// <summary>The opaque cursor of the next page (<see cref="PageCursor"/>), or null when this is the last page.</summary>
    public string? NextCursor { get; init; }
}
