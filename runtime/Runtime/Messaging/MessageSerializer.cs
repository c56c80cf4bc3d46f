// Wire form of a Message (the gateway frames it as a 4-byte little-endian length followed by these bytes).
// All fields use the tag/length/value format, so fields can be added later without breaking older peers:
//   0 id (correlation)    1 direction        2 flags             3 target grain id   4 source grain id
//   5 interface id        6 method id        7 request context   8 call chain        9 time to live (ms, relative)
//  10 traceparent        11 tracestate      12 sending silo     13 target silo
//  20 body: Object with the request's argument fields (0..n-1), or the response (0 result | 1 exception)
using System.Buffers.Binary;
using System.Globalization;
using Marketplace.Runtime.Invocation;
using Marketplace.Runtime.Serialization;

namespace Marketplace.Runtime.Messaging;

/// <summary>Serializes messages for the wire and reads them back.</summary>
internal static class MessageSerializer
{
    private const uint BodyField = 20;

    /// <summary>Writes <paramref name="message"/> (header and body) into <paramref name="writer"/>.</summary>
    public static void Write(Message message, CodecWriter writer)
    {
        writer.WriteFieldHeader(0, WireType.VarInt);
        writer.WriteVarInt64(message.Id);
        writer.WriteFieldHeader(1, WireType.VarInt);
        writer.WriteVarUInt64((ulong)message.Direction);
        if (message.Flags != MessageFlags.None)
        {
            writer.WriteFieldHeader(2, WireType.VarInt);
            writer.WriteVarUInt64((ulong)message.Flags);
        }

        CodecRegistry.Get<GrainId>().WriteField(writer, 3, message.Target);
        if (!message.Source.IsDefault)
        {
            CodecRegistry.Get<GrainId>().WriteField(writer, 4, message.Source);
        }

        writer.WriteFieldHeader(5, WireType.VarInt);
        writer.WriteVarUInt64(message.InterfaceId);
        writer.WriteFieldHeader(6, WireType.VarInt);
        writer.WriteVarUInt64(message.MethodId);
        if (message.RequestContext is { Count: > 0 } context)
        {
            CodecRegistry.Get<Dictionary<string, object?>>().WriteField(writer, 7, context);
        }

        if (message.CallChain is { } chain)
        {
            writer.WriteFieldHeader(8, WireType.Object);
            var start = writer.BeginObject();
            for (var e = chain; e is not null; e = e.Previous)
            {
                writer.WriteFieldHeader(1, WireType.Object);
                var entry = writer.BeginObject();
                CodecRegistry.Get<GrainId>().WriteField(writer, 0, e.Grain);
                writer.WriteFieldHeader(1, WireType.VarInt);
                writer.WriteVarInt64(e.RequestId);
                writer.EndObject(entry);
            }

            writer.EndObject(start);
        }

        if (message.ExpiresAt != 0)
        {
            writer.WriteFieldHeader(9, WireType.VarInt);
            writer.WriteVarInt64(Math.Max(0, message.ExpiresAt - Environment.TickCount64));
        }

        WriteString(writer, 10, message.TraceParent);
        WriteString(writer, 11, message.TraceState);
        WriteString(writer, 12, message.SendingSilo?.ToString());
        WriteString(writer, 13, message.TargetSilo?.ToString());

        writer.WriteFieldHeader(BodyField, WireType.Object);
        var body = writer.BeginObject();
        if (message.Request is { } request && message.Direction != MessageDirection.Response)
        {
            request.SerializeArguments(writer);
        }
        else if (message.Response is { } response)
        {
            response.WriteTo(writer);
        }
        else
        {
            writer.WriteRaw(message.Body.Span);
        }

        writer.EndObject(body);
    }

    /// <summary>A length-prefixed frame: 4-byte little-endian length, then the message.</summary>
    public static byte[] ToFrame(Message message, ICodecContext context)
    {
        using var writer = CodecWriter.Rent(context);
        var lengthAt = writer.BeginObject();
        Write(message, writer);
        writer.EndObject(lengthAt);
        return writer.ToArray();
    }

    /// <summary>Reads a message (without the frame length); the body stays serialized in <see cref="Message.Body"/>.</summary>
    /// <exception cref="GrainSerializationException">The data is malformed.</exception>
    public static Message Read(ReadOnlyMemory<byte> data, ICodecContext context)
    {
        var reader = new CodecReader(data, context);
        var message = new Message();
        List<(GrainId, long)>? chain = null;
        while (reader.TryReadFieldHeader(data.Length, out var id, out var wt))
        {
            switch (id)
            {
                case 0 when wt == WireType.VarInt: message.Id = reader.ReadVarInt64(); break;
                case 1 when wt == WireType.VarInt: message.Direction = (MessageDirection)reader.ReadVarUInt64(); break;
                case 2 when wt == WireType.VarInt: message.Flags = (MessageFlags)reader.ReadVarUInt64(); break;
                case 3: message.Target = CodecRegistry.Get<GrainId>().ReadValue(reader, wt); break;
                case 4: message.Source = CodecRegistry.Get<GrainId>().ReadValue(reader, wt); break;
                case 5 when wt == WireType.VarInt: message.InterfaceId = checked((uint)reader.ReadVarUInt64()); break;
                case 6 when wt == WireType.VarInt: message.MethodId = checked((uint)reader.ReadVarUInt64()); break;
                case 7: message.RequestContext = CodecRegistry.Get<Dictionary<string, object?>>().ReadValue(reader, wt); break;
                case 8 when wt == WireType.Object: chain = ReadChain(reader); break;
                case 9 when wt == WireType.VarInt: message.ExpiresAt = Environment.TickCount64 + reader.ReadVarInt64(); break;
                case 10 when wt == WireType.LengthPrefixed: message.TraceParent = reader.ReadString(); break;
                case 11 when wt == WireType.LengthPrefixed: message.TraceState = reader.ReadString(); break;
                case 12 when wt == WireType.LengthPrefixed: message.SendingSilo = ParseSilo(reader.ReadString()); break;
                case 13 when wt == WireType.LengthPrefixed: message.TargetSilo = ParseSilo(reader.ReadString()); break;
                case BodyField when wt == WireType.Object:
                    var end = reader.ReadObjectEnd();
                    message.Body = data[reader.Position..end];
                    reader.Position = end;
                    break;
                default: reader.Skip(wt); break;
            }
        }

        if (chain is not null)
        {
            CallChainEntry? entry = null;
            for (var i = chain.Count - 1; i >= 0; i--)
            {
                entry = new CallChainEntry(chain[i].Item1, chain[i].Item2, entry);
            }

            message.CallChain = entry;
        }

        return message;
    }

    /// <summary>Reads a frame's 4-byte length prefix.</summary>
    public static int ReadFrameLength(ReadOnlySpan<byte> prefix) => BinaryPrimitives.ReadInt32LittleEndian(prefix);

    /// <summary>Turns a received request's body into the generated request object.</summary>
    /// <exception cref="GrainTypeNotFoundException">The interface or method is unknown here.</exception>
    public static void MaterializeRequest(Message message, ICodecContext context)
    {
        if (message.Request is not null)
        {
            return;
        }

        var method = GrainInterfaceRegistry.FindMethod(message.InterfaceId, message.MethodId)
            ?? throw new GrainTypeNotFoundException($"Unknown grain method {message.InterfaceId:x8}/{message.MethodId:x8} for {message.Target}.");
        var request = method.CreateRequest();
        request.DeserializeArguments(new CodecReader(message.Body, context), message.Body.Length);
        message.Request = request;
    }

    private static List<(GrainId, long)> ReadChain(CodecReader reader)
    {
        var list = new List<(GrainId, long)>();
        var end = reader.ReadObjectEnd();
        while (reader.TryReadFieldHeader(end, out var id, out var wt))
        {
            if (id != 1 || wt != WireType.Object)
            {
                reader.Skip(wt);
                continue;
            }

            var entryEnd = reader.ReadObjectEnd();
            GrainId grain = default;
            long requestId = 0;
            while (reader.TryReadFieldHeader(entryEnd, out var f, out var fw))
            {
                switch (f)
                {
                    case 0: grain = CodecRegistry.Get<GrainId>().ReadValue(reader, fw); break;
                    case 1 when fw == WireType.VarInt: requestId = reader.ReadVarInt64(); break;
                    default: reader.Skip(fw); break;
                }
            }

            list.Add((grain, requestId));
        }

        return list;
    }

    private static void WriteString(CodecWriter writer, uint id, string? value)
    {
        if (value is not null)
        {
            writer.WriteFieldHeader(id, WireType.LengthPrefixed);
            writer.WriteString(value);
        }
    }

    private static SiloAddress ParseSilo(string text)
    {
        var at = text.LastIndexOf('@');
        var colon = text.LastIndexOf(':', at < 0 ? text.Length - 1 : at);
        if (at < 0 || colon < 0)
        {
            throw new GrainSerializationException($"'{text}' is not a silo address.");
        }

        return new SiloAddress(
            text[..colon],
            int.Parse(text[(colon + 1)..at], CultureInfo.InvariantCulture),
            int.Parse(text[(at + 1)..], CultureInfo.InvariantCulture));
    }
}
