// Design: the first bytes on every gateway connection. The client writes its preamble, the silo checks it and answers
// with its own, then both sides switch to message frames. Wire form: 4-byte little-endian length (at most
// MaxBytes), then tag/length/value fields: 0 protocol version (varint), 1 cluster id (string), 2 node identity (string).
// Unknown fields are skipped so later versions can add fields.
using System.Buffers.Binary;
using Marketplace.Runtime.Serialization;

namespace Marketplace.Runtime.Networking;

/// <summary>Handshake sent by both ends of a gateway connection.</summary>
internal sealed record ConnectionPreamble(int ProtocolVersion, string ClusterId, string NodeIdentity)
{
    /// <summary>The protocol version this build speaks.</summary>
    public const int CurrentProtocolVersion = 1;

    /// <summary>Largest preamble accepted (excluding the length prefix).</summary>
    public const int MaxBytes = 1024;

    /// <summary>The preamble as a frame (length prefix included).</summary>
    public byte[] ToFrame()
    {
        using var writer = CodecWriter.Rent();
        var start = writer.BeginObject();
        writer.WriteFieldHeader(0, WireType.VarInt);
        writer.WriteVarUInt64((ulong)ProtocolVersion);
        writer.WriteFieldHeader(1, WireType.LengthPrefixed);
        writer.WriteString(ClusterId);
        writer.WriteFieldHeader(2, WireType.LengthPrefixed);
        writer.WriteString(NodeIdentity);
        writer.EndObject(start);
        return writer.ToArray();
    }

    /// <summary>Reads a preamble body (without the length prefix).</summary>
    /// <exception cref="GatewayProtocolException">The bytes are not a preamble.</exception>
    public static ConnectionPreamble Parse(ReadOnlyMemory<byte> body)
    {
        int? version = null;
        string? clusterId = null;
        var identity = string.Empty;
        try
        {
            var reader = new CodecReader(body);
            while (reader.TryReadFieldHeader(body.Length, out var id, out var wt))
            {
                switch (id)
                {
                    case 0 when wt == WireType.VarInt: version = checked((int)reader.ReadVarUInt64()); break;
                    case 1 when wt == WireType.LengthPrefixed: clusterId = reader.ReadString(); break;
                    case 2 when wt == WireType.LengthPrefixed: identity = reader.ReadString(); break;
                    default: reader.Skip(wt); break;
                }
            }
        }
        catch (Exception exception) when (exception is GrainSerializationException or OverflowException or ArgumentException)
        {
            throw new GatewayProtocolException($"Malformed connection preamble: {exception.Message}");
        }

        if (version is null || clusterId is null)
        {
            throw new GatewayProtocolException("Malformed connection preamble: protocol version or cluster id missing.");
        }

        return new ConnectionPreamble(version.Value, clusterId, identity);
    }

    /// <summary>Reads the length prefix of a preamble and checks it.</summary>
    /// <exception cref="GatewayProtocolException">The length is out of range.</exception>
    public static int ReadLength(ReadOnlySpan<byte> prefix)
    {
        var length = BinaryPrimitives.ReadInt32LittleEndian(prefix);
        return length is > 0 and <= MaxBytes
            ? length
            : throw new GatewayProtocolException($"Bad connection preamble: announced length {length} is outside 1..{MaxBytes}.");
    }
}
