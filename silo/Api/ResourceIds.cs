using Marketplace.GrainInterfaces;

namespace Marketplace.Silo.Api;

/// <summary>Checks of ids in request paths, and the program id of a deployment.</summary>
internal static class ResourceIds
{
    /// <summary>Throws <see cref="InvalidRequestException"/> unless <paramref name="id"/> is <c>blob</c> + 64 lowercase hex.</summary>
    public static string RequireBlobId(string id)
    {
        if (!IsPrefixedHex(id, "blob", 64))
        {
            throw new InvalidRequestException($"'{Clip(id)}' is not a blob id ('blob' followed by 64 lowercase hex digits).");
        }

        return id;
    }

    /// <summary>Throws <see cref="InvalidRequestException"/> unless <paramref name="id"/> is a job id.</summary>
    public static string RequireJobId(string id)
    {
        if (!JobIds.IsValid(id))
        {
            throw new InvalidRequestException($"'{Clip(id)}' is not a job id ('job' followed by 32 lowercase hex digits).");
        }

        return id;
    }

    /// <summary>Throws <see cref="InvalidRequestException"/> for an empty or overlong reference (id, name@version, name).</summary>
    public static string RequireReference(string reference, string what)
    {
        if (string.IsNullOrWhiteSpace(reference) || reference.Length > 200)
        {
            throw new InvalidRequestException($"'{Clip(reference)}' is not a valid {what}.");
        }

        return reference;
    }

    /// <summary>Throws <see cref="InvalidRequestException"/> naming <c>name</c> unless <paramref name="name"/> is a
    /// program name (not an id, not <c>name@version</c>).</summary>
    public static string RequireProgramName(string name)
    {
        if (!ProgramNames.IsValid(name))
        {
            throw new InvalidRequestException($"name: '{Clip(name)}' is not a program name (1-64 letters, digits, '-', '_' or '.', starting with a letter or digit).");
        }

        return name;
    }

    /// <summary>The <c>cursor</c> query value: null when absent, else the value (an empty one is an
    /// <see cref="InvalidRequestException"/> naming <c>cursor</c>).</summary>
    public static string? Cursor(string? cursor) => cursor switch
    {
        null => null,
        "" => throw new InvalidRequestException("cursor: empty; leave it out for the first page, or pass the next_cursor of the previous page."),
        _ => cursor,
    };

    /// <summary>The program id of a deployment: <c>prog</c> + 64 hex of SHA-256(wasm ‖ salt bytes), computed by the same
    /// code the program grain checks it with.</summary>
    public static string ProgramIdOf(ProgramDeployment deployment) =>
        ProgramDeployments.ComputeProgramId(deployment.Wasm, deployment.Manifest?.Salt ?? "");

    private static bool IsPrefixedHex(string id, string prefix, int digits)
    {
        if (id.Length != prefix.Length + digits || !id.StartsWith(prefix, StringComparison.Ordinal))
        {
            return false;
        }

        foreach (var c in id.AsSpan(prefix.Length))
        {
            if (!char.IsAsciiDigit(c) && c is not (>= 'a' and <= 'f'))
            {
                return false;
            }
        }

        return true;
    }

    private static string Clip(string text) => text.Length > 80 ? text[..80] + "…" : text;
}
