namespace Marketplace.Wasm;

/// <summary>A function signature: parameter and result types.</summary>
public sealed class FuncType : IEquatable<FuncType>
{
    /// <summary>Creates a signature.</summary>
    public FuncType(ValueKind[] parameters, ValueKind[] results)
    {
        Parameters = parameters;
        Results = results;
    }

    /// <summary>Parameter types.</summary>
    public IReadOnlyList<ValueKind> Parameters { get; }

    /// <summary>Result types.</summary>
    public IReadOnlyList<ValueKind> Results { get; }

    internal ValueKind[] ParamArray => (ValueKind[])Parameters;

    internal ValueKind[] ResultArray => (ValueKind[])Results;

    /// <inheritdoc />
    public bool Equals(FuncType? other) =>
        other is not null && ParamArray.AsSpan().SequenceEqual(other.ParamArray) && ResultArray.AsSpan().SequenceEqual(other.ResultArray);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as FuncType);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var h = new HashCode();
        foreach (var p in ParamArray)
        {
            h.Add(p);
        }

        h.Add(0);
        foreach (var r in ResultArray)
        {
            h.Add(r);
        }

        return h.ToHashCode();
    }

    /// <inheritdoc />
    public override string ToString() => $"[{string.Join(' ', ParamArray)}] -> [{string.Join(' ', ResultArray)}]";
}
