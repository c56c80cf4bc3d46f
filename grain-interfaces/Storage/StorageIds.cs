namespace Marketplace.GrainInterfaces;

/// <summary>The id rule of storage deals and storage providers: 1-64 characters of ASCII letters, digits, '-', '_'
/// and '.', not "." or "..", so an id is always a safe file name; and how a client's own name for a deal becomes the
/// deal's id (<see cref="DealIdFor"/>).</summary>
public static class StorageIds
{
    /// <summary>True when <paramref name="id"/> follows the rule.</summary>
    public static bool IsValid(string? id)
    {
        if (string.IsNullOrEmpty(id) || id.Length > 64 || id is "." or "..")
        {
            return false;
        }

        foreach (var c in id)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Length of a deal id of the silo's form: <c>deal-</c> and 32 lowercase hex digits.</summary>
    private const int DealIdLength = 37;

    /// <summary>A new deal id of the silo's form (<c>deal-</c> and 32 random lowercase hex digits).</summary>
    public static string NewDealId() => "deal-" + Guid.NewGuid().ToString("N");

    /// <summary>True when <paramref name="id"/> has the silo's form: <c>deal-</c> and 32 lowercase hex digits.</summary>
    public static bool IsDealIdForm(string? id)
    {
        if (id is not { Length: DealIdLength } || !id.StartsWith("deal-", StringComparison.Ordinal))
        {
            return false;
        }

        foreach (var c in id.AsSpan(5))
        {
            if (!char.IsAsciiHexDigitLower(c) && !char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// The deal client <paramref name="clientId"/> means by <paramref name="name"/>. An id of the silo's form
    /// (<see cref="IsDealIdForm"/>) is the deal itself. Any other name is the client's own: the deal id is <c>deal-</c>
    /// and the first 32 hex digits of SHA-256(client id, a line feed, name), so two clients who pick the same name get
    /// two deals, and no answer to one client says whether another holds a deal of that name.
    /// </summary>
    /// <exception cref="InvalidRequestException"><paramref name="name"/> does not follow the id rule.</exception>
    public static string DealIdFor(string clientId, string name)
    {
        ArgumentNullException.ThrowIfNull(clientId);
        if (!IsValid(name))
        {
            throw new InvalidRequestException($"deal id: '{name}' is not a deal id (1-64 characters of letters, digits, '-', '_' and '.')");
        }

        if (IsDealIdForm(name))
        {
            return name;
        }

        var input = System.Text.Encoding.UTF8.GetBytes(clientId + "\n" + name);
        Span<byte> hash = stackalloc byte[32];
        System.Security.Cryptography.SHA256.HashData(input, hash);
        return "deal-" + Convert.ToHexStringLower(hash[..16]);
    }
}
