namespace Marketplace.Chain.Rpc;

/// <summary>A block parameter of JSON-RPC: a number or one of the tags <c>latest</c>, <c>pending</c>, <c>earliest</c>, <c>safe</c>, <c>finalized</c>.</summary>
public readonly struct BlockTag : IEquatable<BlockTag>
{
    private readonly string? _tag;
    private readonly ulong _number;

    private BlockTag(string? tag, ulong number)
    {
        _tag = tag;
        _number = number;
    }

    /// <summary>The most recent mined block (also the default value).</summary>
    public static BlockTag Latest => default;

    /// <summary>The pending state (includes transactions in the node's pool).</summary>
    public static BlockTag Pending { get; } = new("pending", 0);

    /// <summary>The genesis block.</summary>
    public static BlockTag Earliest { get; } = new("earliest", 0);

    /// <summary>The latest safe head.</summary>
    public static BlockTag Safe { get; } = new("safe", 0);

    /// <summary>The latest finalized block.</summary>
    public static BlockTag Finalized { get; } = new("finalized", 0);

    /// <summary>A block number.</summary>
    public static BlockTag Number(ulong number) => new(null, number + 1);

    /// <summary>The value sent in JSON-RPC.</summary>
    public override string ToString() => _tag ?? (_number == 0 ? "latest" : Hex.EncodeQuantity(_number - 1));

    /// <inheritdoc />
    public bool Equals(BlockTag other) => _tag == other._tag && _number == other._number;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is BlockTag other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(_tag, _number);

    /// <summary>Equality.</summary>
    public static bool operator ==(BlockTag left, BlockTag right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(BlockTag left, BlockTag right) => !left.Equals(right);

    /// <summary>A block number as a tag.</summary>
    public static implicit operator BlockTag(ulong number) => Number(number);
}
