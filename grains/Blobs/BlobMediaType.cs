using Marketplace.GrainInterfaces;

namespace Marketplace.Grains.Blobs;

/// <summary>The media type a blob records.</summary>
internal static class BlobMediaType
{
    /// <summary>The media type of a blob stored without one.</summary>
    public const string Default = "application/octet-stream";

    /// <summary>Longest media type recorded, characters.</summary>
    public const int MaxLength = 255;

    /// <summary>The media type to record: null or blank means <see cref="Default"/>; otherwise <c>type/subtype</c>
    /// with optional parameters (<c>text/plain; charset=utf-8</c>), printable ASCII, trimmed. Throws
    /// <see cref="InvalidRequestException"/> for anything else.</summary>
    public static string Normalize(string? mediaType)
    {
        if (string.IsNullOrWhiteSpace(mediaType))
        {
            return Default;
        }

        mediaType = mediaType.Trim();
        var slash = mediaType.IndexOf('/', StringComparison.Ordinal);
        if (mediaType.Length > MaxLength || slash <= 0 || slash == mediaType.Length - 1)
        {
            throw new InvalidRequestException($"mediaType '{Truncate(mediaType)}' is not a media type such as 'application/wasm' (type/subtype, at most {MaxLength} characters).");
        }

        foreach (var c in mediaType)
        {
            if (c < ' ' || c >= 0x7f)
            {
                throw new InvalidRequestException($"mediaType '{Truncate(mediaType)}' contains a control or non-ASCII character.");
            }
        }

        return mediaType;
    }

    private static string Truncate(string text) => text.Length <= 64 ? text : text[..64] + "…";
}
