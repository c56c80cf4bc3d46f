// Design: every JSON request body is read the same strict way. The body must be UTF-8 (a charset parameter other than
// utf-8 is refused), one JSON object, without duplicate keys at any depth and without members the target type does not
// have; null is refused where the wire type is not nullable. A first pass with Utf8JsonReader checks syntax, depth and
// duplicate keys and records the keys of each object; then the serializer binds the value with the strict options.
// Errors name the JSON path and the public (snake_case) field name with the expected kind, never a .NET type or
// member name: the serializer's messages are not shown, the path is resolved against the type's JSON contract.
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Marketplace.GrainInterfaces;
using Marketplace.GrainInterfaces.Json;
using Marketplace.Grains.Jobs;
using Microsoft.Net.Http.Headers;

namespace Marketplace.Silo.Api;

/// <summary>Reads JSON request bodies in the wire format, turning every kind of bad body into a typed problem.</summary>
internal static class JsonRequestBody
{
    /// <summary>The wire format with the request rules: no duplicate keys, no unknown members, null only where the
    /// type allows it.</summary>
    public static JsonSerializerOptions StrictOptions { get; } = CreateStrictOptions();

    // Integer ranges of the wire fields, by wire name, so a value of the wrong kind is answered with the range.
    private static readonly Dictionary<string, (long Min, long Max)> Ranges = new(StringComparer.Ordinal)
    {
        ["max_fuel"] = (0, JobLimits.MaxFuel),
        ["max_memory_bytes"] = (0, JobLimits.MaxMemoryBytes),
        ["timeout_ms"] = (0, JobLimits.MaxTimeoutMs),
        ["max_retries"] = (0, JobSubmissionValidator.MaxRetries),
        ["ttl_ms"] = (0, JobSubmissionValidator.MaxTtlMs),
        ["committee_size"] = (0, JobLimits.MaxCommitteeSize),
        ["max_price_per_million_fuel"] = (0, long.MaxValue),
        ["nonce"] = (1, long.MaxValue),
    };

    /// <summary>Reads a <typeparamref name="T"/> from a body that must be <c>application/json</c> (or <c>+json</c>)
    /// in UTF-8. The body size limit is the server's (<see cref="ApiOptions.MaxJsonBodyBytes"/>).</summary>
    public static async Task<T> ReadAsync<T>(HttpRequest request)
        where T : class
    {
        RequireJsonMediaType(request.ContentType);
        await OversizedBody.RefuseIfDeclaredOverLimitAsync(request);
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, request.HttpContext.RequestAborted);
        return Parse<T>(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
    }

    /// <summary>Binds <paramref name="utf8"/> to a <typeparamref name="T"/> under the strict rules; every failure is
    /// an <see cref="ApiProblemException"/> with <see cref="ProblemCodes.InvalidJson"/>.</summary>
    public static T Parse<T>(ReadOnlySpan<byte> utf8)
        where T : class
    {
        if (utf8.StartsWith("\xEF\xBB\xBF"u8))
        {
            utf8 = utf8[3..];
        }

        var objectKeys = Check(utf8);
        try
        {
            return JsonSerializer.Deserialize<T>(utf8, StrictOptions)
                   ?? throw Invalid("$: expected a JSON object, not null");
        }
        catch (JsonException exception)
        {
            throw Invalid(DescribeBindingError(exception, StrictOptions.GetTypeInfo(typeof(T)), objectKeys));
        }
    }

    /// <summary>A problem detail for a JSON error caught outside <see cref="ReadAsync{T}"/>: the path only.</summary>
    public static string Describe(JsonException exception) =>
        $"{(exception.Path is { Length: > 0 } path ? path : "$")}: the JSON body does not match the expected shape";

    private static JsonSerializerOptions CreateStrictOptions()
    {
        var options = new JsonSerializerOptions(MarketplaceJson.Options)
        {
            AllowDuplicateProperties = false,
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
            RespectNullableAnnotations = true,
        };
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    public static void RequireJsonMediaType(string? contentType)
    {
        if (contentType is null || !MediaTypeHeaderValue.TryParse(contentType, out var parsed))
        {
            throw new ApiProblemException(
                ProblemCodes.UnsupportedMediaType, $"The body must be application/json, not '{Shown(contentType ?? "(none)")}'.");
        }

        var mediaType = parsed.MediaType.Value ?? "";
        if (!mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            && !mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase))
        {
            throw new ApiProblemException(
                ProblemCodes.UnsupportedMediaType, $"The body must be application/json, not '{Shown(mediaType)}'.");
        }

        var charset = parsed.Charset.Value;
        if (charset is not null && !charset.Trim('"').Equals("utf-8", StringComparison.OrdinalIgnoreCase))
        {
            throw new ApiProblemException(
                ProblemCodes.UnsupportedCharset, $"JSON bodies are read as UTF-8; charset '{Shown(charset)}' is not accepted (send charset=utf-8 or none).");
        }
    }

    // Syntax, depth and duplicate keys; returns the keys of each object by JSON path (the root and its members).
    private static Dictionary<string, HashSet<string>> Check(ReadOnlySpan<byte> utf8)
    {
        if (utf8.IsEmpty)
        {
            throw Invalid("$: the body is empty; expected a JSON object");
        }

        var keys = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        var frames = new List<Frame>();
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions
        {
            MaxDepth = MarketplaceJson.Options.MaxDepth,
            CommentHandling = JsonCommentHandling.Disallow,
            AllowTrailingCommas = false,
        });
        try
        {
            while (reader.Read())
            {
                if (frames.Count == 0 && reader.TokenType != JsonTokenType.StartObject)
                {
                    throw Invalid($"$: expected a JSON object, not {KindOf(reader.TokenType)}");
                }

                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        var name = reader.GetString()!;
                        var frame = frames[^1];
                        if (!frame.Names!.Add(name))
                        {
                            throw Invalid($"{PathOf(frames, name)}: duplicate key; each key may appear once per object");
                        }

                        frame.Property = name;
                        break;
                    case JsonTokenType.StartObject:
                        Advance(frames);
                        var path = PathOf(frames, null);
                        var names = new HashSet<string>(StringComparer.Ordinal);
                        if (frames.Count <= 2)
                        {
                            keys[path] = names;
                        }

                        frames.Add(new Frame { Names = names, Path = path });
                        break;
                    case JsonTokenType.StartArray:
                        Advance(frames);
                        var arrayPath = PathOf(frames, null);
                        frames.Add(new Frame { Index = -1, Path = arrayPath });
                        break;
                    case JsonTokenType.EndObject:
                    case JsonTokenType.EndArray:
                        frames.RemoveAt(frames.Count - 1);
                        break;
                    case JsonTokenType.String:
                        Advance(frames);
                        _ = reader.GetString();
                        break;
                    default:
                        Advance(frames);
                        break;
                }
            }
        }
        catch (JsonException exception)
        {
            throw Invalid(string.Create(
                CultureInfo.InvariantCulture,
                $"{PathOf(frames, null)}: not valid JSON at line {exception.LineNumber + 1}, byte {exception.BytePositionInLine + 1} ({SyntaxReason(exception)})"));
        }
        catch (InvalidOperationException)
        {
            throw Invalid($"{PathOf(frames, null)}: a string is not valid UTF-8");
        }

        return keys;
    }

    private static void Advance(List<Frame> frames)
    {
        if (frames.Count > 0 && frames[^1].Names is null)
        {
            frames[^1].Index++;
        }
    }

    private static string PathOf(List<Frame> frames, string? pendingName)
    {
        if (frames.Count == 0)
        {
            return "$";
        }

        var top = frames[^1];
        var builder = new StringBuilder(top.Path);
        if (top.Names is not null)
        {
            var name = pendingName ?? top.Property;
            if (name is not null)
            {
                AppendName(builder, name);
            }
        }
        else if (top.Index >= 0)
        {
            builder.Append('[').Append(top.Index.ToString(CultureInfo.InvariantCulture)).Append(']');
        }

        return builder.ToString();
    }

    private static void AppendName(StringBuilder builder, string name)
    {
        var shown = name.Length > 64 ? name[..64] + "…" : name;
        if (shown.Length > 0 && shown.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
        {
            builder.Append('.').Append(shown);
        }
        else
        {
            builder.Append("['").Append(Sanitize(shown).Replace("'", "\\'", StringComparison.Ordinal)).Append("']");
        }
    }

    private static string SyntaxReason(JsonException exception)
    {
        // The reader's own sentence ("'x' is an invalid start of a value.") without its position suffix.
        var message = exception.Message;
        var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return Sanitize((cut >= 0 ? message[..cut] : message).TrimEnd('.', ' '));
    }

    // Resolves the serializer's path against the contract of the body type: an unknown member, a missing required
    // member, or a value of the wrong kind at a known member.
    private static string DescribeBindingError(JsonException exception, JsonTypeInfo root, Dictionary<string, HashSet<string>> objectKeys)
    {
        var path = exception.Path is { Length: > 0 } p ? p : "$";
        var segments = Segments(path);
        var type = root;
        JsonPropertyInfo? property = null;
        var walked = new StringBuilder("$");
        foreach (var segment in segments)
        {
            if (segment.Name is { } name)
            {
                if (type.Kind == JsonTypeInfoKind.Object)
                {
                    property = type.Properties.FirstOrDefault(candidate => string.Equals(candidate.Name, name, StringComparison.Ordinal));
                    if (property is null)
                    {
                        AppendName(walked, name);
                        return $"{walked}: unknown member; this object has {MemberList(type)}";
                    }

                    type = StrictOptions.GetTypeInfo(property.PropertyType);
                }
                else if (type.Kind == JsonTypeInfoKind.Dictionary)
                {
                    type = StrictOptions.GetTypeInfo(type.ElementType!);
                    property = null;
                }

                AppendName(walked, name);
            }
            else
            {
                if (type.Kind == JsonTypeInfoKind.Enumerable)
                {
                    type = StrictOptions.GetTypeInfo(type.ElementType!);
                    property = null;
                }

                walked.Append('[').Append(segment.Index.ToString(CultureInfo.InvariantCulture)).Append(']');
            }
        }

        var at = walked.ToString();
        if (type.Kind == JsonTypeInfoKind.Object && objectKeys.TryGetValue(at, out var present))
        {
            var missing = type.Properties.Where(candidate => candidate.IsRequired && !present.Contains(candidate.Name)).Select(candidate => candidate.Name).ToList();
            if (missing.Count > 0)
            {
                return $"{at}: missing required {(missing.Count == 1 ? "member" : "members")} {string.Join(", ", missing)}";
            }

            var unknown = present.FirstOrDefault(key => type.Properties.All(candidate => !string.Equals(candidate.Name, key, StringComparison.Ordinal)));
            if (unknown is not null)
            {
                var builder = new StringBuilder(at);
                AppendName(builder, unknown);
                return $"{builder}: unknown member; this object has {MemberList(type)}";
            }
        }

        var fieldName = segments.Count > 0 && segments[^1].Name is { } last ? last : null;
        return $"{at}: expected {KindOf(type, property, fieldName)}";
    }

    private static string MemberList(JsonTypeInfo type) =>
        type.Properties.Count == 0 ? "no members" : "members " + string.Join(", ", type.Properties.Select(candidate => candidate.Name));

    private static string KindOf(JsonTypeInfo type, JsonPropertyInfo? property, string? fieldName)
    {
        if (property?.CustomConverter is HexBytesJsonConverter)
        {
            return "a string of hex digits";
        }

        var clr = Nullable.GetUnderlyingType(type.Type) ?? type.Type;
        if (clr == typeof(string))
        {
            return "a string";
        }

        if (clr == typeof(bool))
        {
            return "true or false";
        }

        if (clr == typeof(byte[]))
        {
            return "a base64 string";
        }

        if (clr.IsEnum)
        {
            var names = Enum.GetNames(clr).Select(n => JsonNamingPolicy.SnakeCaseLower.ConvertName(n));
            return "one of " + string.Join(", ", names);
        }

        if (clr == typeof(long) || clr == typeof(int) || clr == typeof(short) || clr == typeof(uint) || clr == typeof(ulong))
        {
            var (min, max) = fieldName is not null && Ranges.TryGetValue(fieldName, out var range) ? range : RangeOf(clr);
            return string.Create(CultureInfo.InvariantCulture, $"an integer from {min} to {max}");
        }

        if (clr == typeof(double) || clr == typeof(float) || clr == typeof(decimal))
        {
            return "a number";
        }

        if (clr == typeof(DateTimeOffset) || clr == typeof(DateTime))
        {
            return "a date and time (ISO 8601)";
        }

        return type.Kind switch
        {
            JsonTypeInfoKind.Dictionary => $"an object whose values are each {KindOf(StrictOptions.GetTypeInfo(type.ElementType!), null, null)}",
            JsonTypeInfoKind.Enumerable => $"an array whose items are each {KindOf(StrictOptions.GetTypeInfo(type.ElementType!), null, null)}",
            JsonTypeInfoKind.Object => "an object",
            _ => "a JSON value of another kind",
        };
    }

    private static (long Min, long Max) RangeOf(Type integer) =>
        integer == typeof(int) ? (int.MinValue, int.MaxValue)
        : integer == typeof(short) ? (short.MinValue, short.MaxValue)
        : integer == typeof(uint) ? (0L, uint.MaxValue)
        : integer == typeof(ulong) ? (0L, long.MaxValue)
        : (long.MinValue, long.MaxValue);

    private static string KindOf(JsonTokenType token) => token switch
    {
        JsonTokenType.StartArray => "an array",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        _ => "another JSON value",
    };

    private static List<(string? Name, int Index)> Segments(string path)
    {
        // $.a.b[3]['c d'] as the serializer writes it.
        var result = new List<(string? Name, int Index)>();
        var i = path.StartsWith('$') ? 1 : 0;
        while (i < path.Length)
        {
            if (path[i] == '.')
            {
                var end = i + 1;
                while (end < path.Length && path[end] != '.' && path[end] != '[')
                {
                    end++;
                }

                result.Add((path[(i + 1)..end], 0));
                i = end;
            }
            else if (path[i] == '[' && i + 1 < path.Length && path[i + 1] == '\'')
            {
                var end = path.IndexOf("']", i + 2, StringComparison.Ordinal);
                if (end < 0)
                {
                    break;
                }

                result.Add((path[(i + 2)..end], 0));
                i = end + 2;
            }
            else if (path[i] == '[')
            {
                var end = path.IndexOf(']', i);
                if (end < 0 || !int.TryParse(path.AsSpan(i + 1, end - i - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var index))
                {
                    break;
                }

                result.Add((null, index));
                i = end + 1;
            }
            else
            {
                break;
            }
        }

        return result;
    }

    private static string Shown(string text) => Sanitize(text.Length > 80 ? text[..80] + "…" : text);

    private static string Sanitize(string text) =>
        string.Create(text.Length, text, static (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                span[i] = char.IsControl(source[i]) ? '?' : source[i];
            }
        });

    private static ApiProblemException Invalid(string detail) => new(ProblemCodes.InvalidJson, detail);

    private sealed class Frame
    {
        public HashSet<string>? Names { get; init; }

        public string Path { get; init; } = "$";

        public string? Property { get; set; }

        public int Index { get; set; }
    }
}
