namespace Marketplace.Runtime.Streams;

/// <summary>The position of an item in its stream: a per-stream sequence number assigned when the item is enqueued.</summary>
public sealed class StreamSequenceToken : IEquatable<StreamSequenceToken>, IComparable<StreamSequenceToken>
{
    /// <summary>Creates a token.</summary>
    public StreamSequenceToken(long sequenceNumber) => SequenceNumber = sequenceNumber;

    /// <summary>The sequence number (1 for the first item a provider instance enqueues on the stream).</summary>
    public long SequenceNumber { get; }

    /// <inheritdoc />
    public int CompareTo(StreamSequenceToken? other) => other is null ? 1 : SequenceNumber.CompareTo(other.SequenceNumber);

    /// <inheritdoc />
    public bool Equals(StreamSequenceToken? other) => other is not null && other.SequenceNumber == SequenceNumber;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is StreamSequenceToken other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => SequenceNumber.GetHashCode();

    /// <inheritdoc />
    public override string ToString() => "#" + SequenceNumber.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
