namespace Marketplace.GrainInterfaces;

/// <summary>The id rule of storage deals and storage providers: 1-64 characters of ASCII letters, digits, '-', '_'
/// and '.', not "." or "..", so an id is always a safe file name.</summary>
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
}
