// Design: the first bytes on every gateway connection. The client writes its preamble, the silo checks it and answers
// with its own, then both sides switch to message frames. Wire form: 4-byte little-endian length (at most
// the reader's limit), then tag/length/value fields: 0 protocol version (varint), 1 cluster id (string), 2 node identity
// (string); since version 2 the silo's preamble also carries its grain manifest as repeated triples 3 interface name,
// 4 grain type, 5 grain class (strings, in that order). A client preamble is at most MaxBytes; a silo preamble (with
// the manifest) at most MaxSiloBytes. Unknown fields are skipped so later versions can add fields.
using System.Buffers.Binary;
using Marketplace.Runtime.Catalog;
using Marketplace.Runtime.Serialization;

namespace Marketplace.Runtime.Networking;

/// <summary>Handshake sent by both ends of a gateway connection.</summary>
internal sealed record ConnectionPreamble(int ProtocolVersion, string ClusterId, string NodeIdentity, GrainManifest? Manifest = null)
{
    /// <summary>The protocol version this build speaks (2: the silo's preamble carries its grain manifest).</summary>
    public const int CurrentProtocolVersion = 2;

    /// <summary>Largest client preamble accepted by a silo (excluding the length prefix).</summary>
    public const int MaxBytes = 1024;

    /// <summary>Largest silo preamble (with its grain manifest) accepted by a client.</summary>
    public const int MaxSiloBytes = 4 * 1024 * 1024;

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
        if (Manifest is not null)
        {
            foreach (var e in Manifest.Entries)
            {
                writer.WriteFieldHeader(3, WireType.LengthPrefixed);
                writer.WriteString(e.Interface);
                writer.WriteFieldHeader(4, WireType.LengthPrefixed);
                writer.WriteString(e.GrainType);
                writer.WriteFieldHeader(5, WireType.LengthPrefixed);
                writer.WriteString(e.GrainClass);
            }
        }

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
        List<GrainManifestEntry>? entries = null;
        string? pendingInterface = null;
        string? pendingType = null;
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
                    case 3 when wt == WireType.LengthPrefixed && pendingInterface is null:
                        pendingInterface = RequireName(reader.ReadString(), "interface name");
                        break;
                    case 4 when wt == WireType.LengthPrefixed && pendingInterface is not null && pendingType is null:
                        pendingType = RequireName(reader.ReadString(), "grain type");
                        break;
                    case 5 when wt == WireType.LengthPrefixed && pendingType is not null:
                        (entries ??= []).Add(new GrainManifestEntry(pendingInterface!, pendingType, RequireName(reader.ReadString(), "grain class")));
                        pendingInterface = null;
                        pendingType = null;
                        break;
                    case 3 or 4 or 5:
                        throw new GatewayProtocolException($"Malformed grain manifest in the connection preamble: field {id} out of order (entries are interface, grain type, grain class).");
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

        if (pendingInterface is not null)
        {
            throw new GatewayProtocolException($"Malformed grain manifest in the connection preamble: the entry for '{pendingInterface}' is incomplete.");
        }

        return new ConnectionPreamble(version.Value, clusterId, identity, entries is null ? null : new GrainManifest(entries));
    }

    private static string RequireName(string value, string what) =>
        value.Length == 0 || value.Contains('/')
            ? throw new GatewayProtocolException($"Malformed grain manifest in the connection preamble: {what} '{value}' is empty or contains '/'.")
            : value;

    /// <summary>Reads the length prefix of a preamble and checks it against <paramref name="maxBytes"/>.</summary>
    /// <exception cref="GatewayProtocolException">The length is out of range.</exception>
    public static int ReadLength(ReadOnlySpan<byte> prefix, int maxBytes = MaxBytes)
    {
        var length = BinaryPrimitives.ReadInt32LittleEndian(prefix);
        return length > 0 && length <= maxBytes
            ? length
            : throw new GatewayProtocolException($"Bad connection preamble: announced length {length} is outside 1..{maxBytes}.");
    }
}
