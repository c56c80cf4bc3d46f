using Marketplace.Crypto.Ethereum;

namespace Marketplace.Chain.Rpc;

/// <summary>
/// A filter for <c>eth_getLogs</c>: logs from any of <see cref="Addresses"/> (all when empty) in the block range
/// whose topics match <see cref="Topics"/> position by position.
/// </summary>
/// <example>
/// <code>
/// var filter = new LogFilter
/// {
///     Addresses = [contract], FromBlock = BlockTag.Number(0),
///     Topics = [[stored.Topic], null, [stored.EncodeTopic(1, key)]],   // topic 1 is a wildcard
/// };
/// </code>
/// </example>
public sealed record LogFilter
{
    /// <summary>Emitting contracts; empty for any.</summary>
    public IReadOnlyList<Address> Addresses { get; init; } = [];

    /// <summary>Per topic position: null for any value, else the accepted values (OR).</summary>
    public IReadOnlyList<IReadOnlyList<Hash32>?> Topics { get; init; } = [];

    /// <summary>First block (inclusive).</summary>
    public BlockTag FromBlock { get; init; } = BlockTag.Latest;

    /// <summary>Last block (inclusive).</summary>
    public BlockTag ToBlock { get; init; } = BlockTag.Latest;
}
