namespace Marketplace.Runtime;

/// <summary>
/// Ambient key/value data that flows with a call: copied into every outgoing grain call and restored on the callee
/// (Orleans' <c>RequestContext</c>). Values sent to other silos must be serializable.
/// </summary>
/// <remarks>
/// Also carries the call-chain reentrancy switch (<see cref="AllowCallChainReentrancy"/>) and, for telemetry, the W3C
/// <c>traceparent</c>. Storage is one <see cref="AsyncLocal{T}"/> holding an immutable snapshot, so a change made
/// by a callee never leaks back to its caller.
/// </remarks>
public static class RequestContext
{
    private static readonly AsyncLocal<RequestContextData?> Current = new();

    /// <summary>The keys currently set.</summary>
    public static IEnumerable<string> Keys => Current.Value?.Values?.Keys ?? Enumerable.Empty<string>();

    /// <summary>The entries currently set.</summary>
    public static IEnumerable<KeyValuePair<string, object?>> Entries =>
        Current.Value?.Values ?? (IEnumerable<KeyValuePair<string, object?>>)Array.Empty<KeyValuePair<string, object?>>();

    /// <summary>True when calls made from here may re-enter grains already in the current call chain.</summary>
    public static bool IsCallChainReentrancyAllowed => Current.Value?.AllowCallChainReentrancy ?? false;

    /// <summary>Sets a value.</summary>
    public static void Set(string key, object? value)
    {
        ArgumentNullException.ThrowIfNull(key);
        var data = Current.Value;
        var values = data?.Values is { } v ? new Dictionary<string, object?>(v, StringComparer.Ordinal) : new Dictionary<string, object?>(StringComparer.Ordinal);
        values[key] = value;
        Current.Value = (data ?? RequestContextData.Empty) with { Values = values };
    }

    /// <summary>Gets a value, or null when not set.</summary>
    public static object? Get(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Current.Value?.Values is { } v && v.TryGetValue(key, out var value) ? value : null;
    }

    /// <summary>Removes a value; returns false when it was not set.</summary>
    public static bool Remove(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var data = Current.Value;
        if (data?.Values is not { } v || !v.ContainsKey(key))
        {
            return false;
        }

        var values = new Dictionary<string, object?>(v, StringComparer.Ordinal);
        values.Remove(key);
        Current.Value = data with { Values = values.Count == 0 ? null : values };
        return true;
    }

    /// <summary>Removes all values (the call-chain reentrancy switch is kept).</summary>
    public static void Clear()
    {
        var data = Current.Value;
        if (data?.Values is not null)
        {
            Current.Value = data with { Values = null };
        }
    }

    /// <summary>
    /// Lets calls made inside the scope re-enter non-reentrant grains that are already part of the current call chain
    /// (A → B → A). Dispose to restore the previous setting.
    /// </summary>
    public static IDisposable AllowCallChainReentrancy() => SetReentrancy(true);

    /// <summary>Turns call-chain reentrancy off inside the scope.</summary>
    public static IDisposable SuppressCallChainReentrancy() => SetReentrancy(false);

    private static ReentrancyScope SetReentrancy(bool allow)
    {
        var previous = Current.Value;
        Current.Value = (previous ?? RequestContextData.Empty) with { AllowCallChainReentrancy = allow };
        return new ReentrancyScope(previous?.AllowCallChainReentrancy ?? false);
    }

    /// <summary>The raw snapshot (runtime use).</summary>
    internal static RequestContextData? Data
    {
        get => Current.Value;
        set => Current.Value = value;
    }

    private sealed class ReentrancyScope(bool previous) : IDisposable
    {
        public void Dispose()
        {
            var data = Current.Value;
            if (data is not null)
            {
                Current.Value = data with { AllowCallChainReentrancy = previous };
            }
        }
    }
}

/// <summary>An immutable snapshot of the request context plus the runtime's per-request data.</summary>
internal sealed record RequestContextData
{
    internal static readonly RequestContextData Empty = new();

    /// <summary>User values; null when empty. Never mutated after publication.</summary>
    internal Dictionary<string, object?>? Values { get; init; }

    /// <summary>Whether calls re-enter grains of the current chain.</summary>
    internal bool AllowCallChainReentrancy { get; init; }

    /// <summary>The runtime's record of the request being processed (a message), opaque here.</summary>
    internal object? CurrentRequest { get; init; }
}
