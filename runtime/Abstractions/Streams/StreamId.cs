namespace Marketplace.Runtime.Streams;

/// <summary>
/// Identifies a stream inside a provider: a namespace (the kind of stream, e.g. <c>"orders"</c>) and a key in the
/// canonical grain-key form (GUIDs in "N" format, integers in decimal, strings as given). A grain class with
/// <see cref="ImplicitStreamSubscriptionAttribute"/> for the namespace is the consumer whose grain key equals the key.
/// </summary>
public readonly struct StreamId : IEquatable<StreamId>
{
    private StreamId(string streamNamespace, string key)
    {
        Namespace = streamNamespace;
        Key = key;
    }

    /// <summary>The namespace.</summary>
    public string Namespace { get; }

    /// <summary>The key in canonical string form.</summary>
    public string Key { get; }

    /// <summary>True for the default (empty, invalid) value.</summary>
    public bool IsDefault => Namespace is null;

    /// <summary>A stream with a GUID key.</summary>
    /// <exception cref="InvalidStreamIdException">The namespace is null or empty.</exception>
    public static StreamId Create(string streamNamespace, Guid key) => Create(streamNamespace, GrainKey.Format(key));

    /// <summary>A stream with an integer key.</summary>
    /// <exception cref="InvalidStreamIdException">The namespace is null or empty.</exception>
    public static StreamId Create(string streamNamespace, long key) => Create(streamNamespace, GrainKey.Format(key));

    /// <summary>A stream with a string key.</summary>
    /// <exception cref="InvalidStreamIdException">The namespace or the key is null or empty.</exception>
    public static StreamId Create(string streamNamespace, string key)
    {
        if (string.IsNullOrEmpty(streamNamespace))
        {
            throw new InvalidStreamIdException($"A stream namespace must be a non-empty string (key '{key}').");
        }

        if (string.IsNullOrEmpty(key))
        {
            throw new InvalidStreamIdException($"A stream key must be a non-empty string (namespace '{streamNamespace}').");
        }

        return new StreamId(streamNamespace, key);
    }

    /// <summary>Throws when this is the default value.</summary>
    /// <exception cref="InvalidStreamIdException">The id is <c>default(StreamId)</c>.</exception>
    public void EnsureValid()
    {
        if (IsDefault)
        {
            throw new InvalidStreamIdException("default(StreamId) is not a stream; create one with StreamId.Create(namespace, key).");
        }
    }

    /// <inheritdoc />
    public bool Equals(StreamId other) =>
        string.Equals(Namespace, other.Namespace, StringComparison.Ordinal) && string.Equals(Key, other.Key, StringComparison.Ordinal);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is StreamId other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Namespace is null ? 0 : StringComparer.Ordinal.GetHashCode(Namespace), Key is null ? 0 : StringComparer.Ordinal.GetHashCode(Key));

    /// <summary>Equality.</summary>
    public static bool operator ==(StreamId left, StreamId right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(StreamId left, StreamId right) => !left.Equals(right);

    /// <inheritdoc />
    public override string ToString() => IsDefault ? "(default stream id)" : string.Concat(Namespace, "/", Key);
}
