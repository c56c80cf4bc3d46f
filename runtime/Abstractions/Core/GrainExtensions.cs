namespace Marketplace.Runtime;

/// <summary>Key helpers for grains and grain references (Orleans' <c>GetPrimaryKey*</c> family).</summary>
public static class GrainExtensions
{
    /// <summary>The grain id of a grain instance or reference.</summary>
    /// <exception cref="ArgumentException">The object is neither a grain nor a grain reference.</exception>
    public static GrainId GetGrainId(this IAddressable grain) => grain switch
    {
        Invocation.GrainReference r => r.GrainId,
        IGrainBase g => g.GrainContext.GrainId,
        null => throw new ArgumentNullException(nameof(grain)),
        _ => throw new ArgumentException($"{grain.GetType()} is neither a grain nor a grain reference.", nameof(grain)),
    };

    /// <summary>The GUID key.</summary>
    public static Guid GetPrimaryKey(this IAddressable grain) => GrainKey.ParseGuid(grain.GetGrainId().Key, out _);

    /// <summary>The GUID key and its extension.</summary>
    public static Guid GetPrimaryKey(this IAddressable grain, out string? keyExtension) =>
        GrainKey.ParseGuid(grain.GetGrainId().Key, out keyExtension);

    /// <summary>The integer key.</summary>
    public static long GetPrimaryKeyLong(this IAddressable grain) => GrainKey.ParseLong(grain.GetGrainId().Key, out _);

    /// <summary>The integer key and its extension.</summary>
    public static long GetPrimaryKeyLong(this IAddressable grain, out string? keyExtension) =>
        GrainKey.ParseLong(grain.GetGrainId().Key, out keyExtension);

    /// <summary>The string key (the canonical key for any grain).</summary>
    public static string GetPrimaryKeyString(this IAddressable grain) => grain.GetGrainId().Key;
}
