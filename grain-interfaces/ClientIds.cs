using System.Diagnostics.CodeAnalysis;

namespace Marketplace.GrainInterfaces;

/// <summary>
/// Client ids: the names API keys map to (<c>Marketplace:Api:Keys</c>) and grain clients act as. One to
/// <see cref="MaxLength"/> characters, no control characters, no <c>/</c> (an id is one URL path segment, as in
/// <c>DELETE /v1/blobs/{id}/share/{client_id}</c>), no leading or trailing white space. The marketplace does not keep
/// a list of clients, so a well-formed id is accepted whether or not a key maps to it.
/// </summary>
public static class ClientIds
{
    /// <summary>Longest client id: 128 characters.</summary>
    public const int MaxLength = 128;

    /// <summary>True when <paramref name="id"/> is a well-formed client id.</summary>
    public static bool IsValid([NotNullWhen(true)] string? id)
    {
        if (string.IsNullOrEmpty(id) || id.Length > MaxLength || char.IsWhiteSpace(id[0]) || char.IsWhiteSpace(id[^1]))
        {
            return false;
        }

        foreach (var c in id)
        {
            if (char.IsControl(c) || c == '/')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Returns <paramref name="id"/> when it is well formed, else throws <see cref="InvalidRequestException"/>
    /// naming <paramref name="field"/>.</summary>
    public static string Require([NotNull] string? id, string field)
    {
        if (!IsValid(id))
        {
            throw new InvalidRequestException(
                $"{field}: expected 1 to {MaxLength} characters without control characters, '/' or surrounding spaces.");
        }

        return id;
    }
}
