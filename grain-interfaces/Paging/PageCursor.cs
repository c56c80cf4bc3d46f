// Design note: a cursor is the position of the last entry a page returned (a name, a version, a sequence number),
// never an offset, so a list that changes between two pages neither repeats nor skips the entries that stayed: new
// entries after the position appear on later pages, those before it do not. The position is wrapped with the list
// it belongs to (and the filter it was issued with) into a small binary record, base64url-encoded so clients treat
// it as opaque. It is not signed: a position names nothing the caller may not list, so a forged cursor only moves
// the caller within its own list; what it must not do is reach another list or crash a decoder, which the strict
// decoding below rules out.

using System.Buffers.Binary;
using System.Buffers.Text;
using System.Text;

namespace Marketplace.GrainInterfaces;

/// <summary>
/// Opaque list cursors: base64url of [format 1][u8 length][list name][u8 field count] then each field as [u16 BE
/// length][UTF-8]. Decoding checks the format, the list name and the field count and throws
/// <see cref="InvalidRequestException"/> naming <c>cursor</c> for anything else.
/// </summary>
public static class PageCursor
{
    /// <summary>Longest cursor accepted, in characters.</summary>
    public const int MaxLength = 512;

    private const byte Format = 1;

    /// <summary>The cursor of <paramref name="list"/> at the position given by <paramref name="fields"/>.</summary>
    public static string Encode(string list, params ReadOnlySpan<string> fields)
    {
        ArgumentException.ThrowIfNullOrEmpty(list);
        var buffer = new List<byte>(64) { Format, (byte)list.Length };
        buffer.AddRange(Encoding.ASCII.GetBytes(list));
        buffer.Add((byte)fields.Length);
        Span<byte> length = stackalloc byte[2];
        foreach (var field in fields)
        {
            var bytes = Encoding.UTF8.GetBytes(field);
            BinaryPrimitives.WriteUInt16BigEndian(length, (ushort)bytes.Length);
            buffer.AddRange(length);
            buffer.AddRange(bytes);
        }

        return Base64Url.EncodeToString(buffer.ToArray());
    }

    /// <summary>The fields of a cursor of <paramref name="list"/> that carries <paramref name="fieldCount"/> fields.</summary>
    /// <exception cref="InvalidRequestException">Not a cursor, a damaged one, or one of another list.</exception>
    public static string[] Decode(string cursor, string list, int fieldCount)
    {
        ArgumentNullException.ThrowIfNull(cursor);
        if (cursor.Length == 0 || cursor.Length > MaxLength || !Base64Url.IsValid(cursor))
        {
            throw Malformed(cursor);
        }

        byte[] bytes;
        try
        {
            bytes = Base64Url.DecodeFromChars(cursor);
        }
        catch (FormatException)
        {
            throw Malformed(cursor);
        }

        var reader = new Reader(bytes);
        if (!reader.Byte(out var format) || format != Format || !reader.Bytes(out var name) || !reader.Byte(out var count))
        {
            throw Malformed(cursor);
        }

        var issuedFor = Encoding.ASCII.GetString(name);
        if (issuedFor.Length == 0 || !issuedFor.All(c => char.IsAsciiLetterLower(c) || c == '-'))
        {
            throw Malformed(cursor);
        }

        if (!string.Equals(issuedFor, list, StringComparison.Ordinal))
        {
            throw new InvalidRequestException($"cursor: it was issued by another list ({issuedFor}), not by this one ({list})");
        }

        if (count != fieldCount)
        {
            throw Malformed(cursor);
        }

        var fields = new string[count];
        var strict = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
        for (var i = 0; i < count; i++)
        {
            if (!reader.Field(out var field))
            {
                throw Malformed(cursor);
            }

            try
            {
                fields[i] = strict.GetString(field);
            }
            catch (DecoderFallbackException)
            {
                throw Malformed(cursor);
            }
        }

        if (!reader.AtEnd)
        {
            throw Malformed(cursor);
        }

        return fields;
    }

    /// <summary>The error for a cursor whose fields decode but do not make a position of the list.</summary>
    public static InvalidRequestException Malformed(string cursor) =>
        new($"cursor: '{Clip(cursor)}' is not a cursor of this list; pass the next_cursor of the previous page unchanged");

    private static string Clip(string text) => text.Length > 40 ? text[..40] + "…" : text;

    private ref struct Reader(ReadOnlySpan<byte> bytes)
    {
        private ReadOnlySpan<byte> _rest = bytes;

        public readonly bool AtEnd => _rest.IsEmpty;

        public bool Byte(out byte value)
        {
            value = 0;
            if (_rest.IsEmpty)
            {
                return false;
            }

            value = _rest[0];
            _rest = _rest[1..];
            return true;
        }

        public bool Bytes(out ReadOnlySpan<byte> value)
        {
            value = default;
            if (!Byte(out var length) || _rest.Length < length)
            {
                return false;
            }

            value = _rest[..length];
            _rest = _rest[length..];
            return true;
        }

        public bool Field(out ReadOnlySpan<byte> value)
        {
            value = default;
            if (_rest.Length < 2)
            {
                return false;
            }

            int length = BinaryPrimitives.ReadUInt16BigEndian(_rest);
            if (_rest.Length < 2 + length)
            {
                return false;
            }

            value = _rest.Slice(2, length);
            _rest = _rest[(2 + length)..];
            return true;
        }
    }
}
