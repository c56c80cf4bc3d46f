using System.Text;
using Marketplace.Crypto.Ethereum;

namespace Marketplace.Chain.Abi;

/// <summary>
/// A contract event. Topic 0 is Keccak-256 of the signature (unless anonymous); each indexed input takes one more
/// topic; the other inputs are ABI-encoded in the log's data.
/// </summary>
/// <remarks>
/// Indexed inputs of a dynamic type (string, bytes, arrays, tuples) are stored as the Keccak-256 of their value, so
/// they decode to a <see cref="Hash32"/>, not to the value.
/// </remarks>
public sealed class AbiEvent
{
    private readonly AbiType[] _dataTypes;

    /// <summary>Creates an event from its name and inputs (with their <see cref="AbiParameter.Indexed"/> flags).</summary>
    public AbiEvent(string name, IReadOnlyList<AbiParameter> inputs, bool anonymous = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(inputs);
        Name = name;
        Inputs = [.. inputs];
        Anonymous = anonymous;
        Signature = AbiParameter.Signature(name, Inputs);
        Topic = Hash32.FromBytes(Keccak256.Hash(Encoding.ASCII.GetBytes(Signature)));
        var dataTypes = new List<AbiType>();
        var indexed = 0;
        foreach (var input in Inputs)
        {
            if (input.Indexed)
            {
                indexed++;
            }
            else
            {
                dataTypes.Add(input.Type);
            }
        }

        if (indexed > (anonymous ? 4 : 3))
        {
            throw new ChainFormatException($"Event {Signature} has {indexed} indexed inputs; at most {(anonymous ? 4 : 3)} are possible.");
        }

        _dataTypes = [.. dataTypes];
    }

    /// <summary>The event name.</summary>
    public string Name { get; }

    /// <summary>All inputs in declaration order.</summary>
    public IReadOnlyList<AbiParameter> Inputs { get; }

    /// <summary>True when the event has no signature topic.</summary>
    public bool Anonymous { get; }

    /// <summary>The canonical signature, e.g. <c>Transfer(address,address,uint256)</c>.</summary>
    public string Signature { get; }

    /// <summary>Keccak-256 of <see cref="Signature"/>: topic 0 of a non-anonymous event's logs.</summary>
    public Hash32 Topic { get; }

    /// <summary>Parses <c>Name(type,...)</c>; <paramref name="indexed"/> flags the inputs that are topics.</summary>
    public static AbiEvent Parse(string signature, params bool[] indexed)
    {
        ArgumentNullException.ThrowIfNull(signature);
        ArgumentNullException.ThrowIfNull(indexed);
        var (name, types) = AbiParameter.ParseSignature(signature);
        if (indexed.Length != 0 && indexed.Length != types.Length)
        {
            throw new ArgumentException($"{signature} has {types.Length} inputs but {indexed.Length} indexed flags.", nameof(indexed));
        }

        var inputs = new AbiParameter[types.Length];
        for (var i = 0; i < inputs.Length; i++)
        {
            inputs[i] = new AbiParameter("", types[i], indexed.Length != 0 && indexed[i]);
        }

        return new AbiEvent(name, inputs);
    }

    /// <summary>
    /// The topic that an indexed input equal to <paramref name="value"/> produces, for log filters: the 32-byte
    /// word of a value type, or Keccak-256 of a string's UTF-8 or of bytes.
    /// </summary>
    /// <exception cref="ArgumentException">The input is not indexed, is an array or tuple, or the value does not fit.</exception>
    public Hash32 EncodeTopic(int inputIndex, object? value)
    {
        var input = Inputs[inputIndex];
        if (!input.Indexed)
        {
            throw new ArgumentException($"Input {inputIndex} of {Signature} is not indexed.", nameof(inputIndex));
        }

        return input.Type.Kind switch
        {
            AbiTypeKind.String => Hash32.FromBytes(Keccak256.Hash(Encoding.UTF8.GetBytes(
                value as string ?? throw new ArgumentException("A string topic needs a string value.", nameof(value))))),
            AbiTypeKind.Bytes => Hash32.FromBytes(Keccak256.Hash(
                value as byte[] ?? throw new ArgumentException("A bytes topic needs a byte[] value.", nameof(value)))),
            AbiTypeKind.Array or AbiTypeKind.Tuple => throw new ArgumentException(
                $"Topics of indexed {input.Type} inputs are not supported; filter on the other topics.", nameof(inputIndex)),
            _ => Hash32.FromBytes(AbiEncoder.Encode([input.Type], [value])),
        };
    }

    /// <summary>Decodes a log of this event into its inputs, in declaration order.</summary>
    /// <exception cref="ChainFormatException">Topic 0 differs, the topic count is wrong, or the data is not strictly encoded.</exception>
    public DecodedEvent Decode(IReadOnlyList<Hash32> topics, ReadOnlySpan<byte> data)
    {
        ArgumentNullException.ThrowIfNull(topics);
        var first = Anonymous ? 0 : 1;
        var indexedCount = Inputs.Count - _dataTypes.Length;
        if (!Anonymous && (topics.Count == 0 || topics[0] != Topic))
        {
            throw new ChainFormatException($"The log's topic 0 is not the topic of {Signature}.");
        }

        if (topics.Count != first + indexedCount)
        {
            throw new ChainFormatException($"A log of {Signature} has {first + indexedCount} topics; this one has {topics.Count}.");
        }

        var dataValues = AbiDecoder.Decode(_dataTypes, data);
        var values = new object?[Inputs.Count];
        var topic = first;
        var dataIndex = 0;
        for (var i = 0; i < values.Length; i++)
        {
            var input = Inputs[i];
            if (!input.Indexed)
            {
                values[i] = dataValues[dataIndex++];
            }
            else if (input.Type.IsDynamic || input.Type.Kind is AbiTypeKind.Array or AbiTypeKind.Tuple)
            {
                values[i] = topics[topic++];
            }
            else
            {
                values[i] = AbiDecoder.DecodeWord(input.Type, topics[topic++].Bytes);
            }
        }

        return new DecodedEvent(this, values);
    }

    /// <inheritdoc />
    public override string ToString() => Signature;
}

/// <summary>A decoded log: the event and its input values in declaration order.</summary>
public sealed class DecodedEvent
{
    internal DecodedEvent(AbiEvent @event, object?[] values)
    {
        Event = @event;
        Values = values;
    }

    /// <summary>The event the log was decoded as.</summary>
    public AbiEvent Event { get; }

    /// <summary>Input values in declaration order (indexed dynamic inputs as their <see cref="Hash32"/> topic).</summary>
    public IReadOnlyList<object?> Values { get; }

    /// <summary>The value of the input called <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">No input has that name.</exception>
    public object? this[string name]
    {
        get
        {
            for (var i = 0; i < Event.Inputs.Count; i++)
            {
                if (Event.Inputs[i].Name == name)
                {
                    return Values[i];
                }
            }

            throw new KeyNotFoundException($"{Event.Signature} has no input named '{name}'.");
        }
    }
}
