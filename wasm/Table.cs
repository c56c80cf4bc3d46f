namespace Marketplace.Wasm;

/// <summary>A table of references (functions or host objects).</summary>
public sealed class Table
{
    internal object?[] Elements;
    internal int Length;

    /// <summary>Creates a table with <paramref name="initial"/> elements set to <paramref name="initialValue"/>.</summary>
    public Table(ValueKind kind, uint initial, uint? maximum = null, object? initialValue = null)
    {
        if (kind is not (ValueKind.FuncRef or ValueKind.ExternRef))
        {
            throw new ArgumentException("a table holds funcref or externref", nameof(kind));
        }

        if (initial > Array.MaxLength)
        {
            throw new WasmLinkException($"table of {initial} elements is too large");
        }

        Kind = kind;
        DeclaredMaximum = maximum;
        Maximum = maximum ?? uint.MaxValue;
        Elements = new object?[initial];
        Length = (int)initial;
        Minimum = initial;
        if (initialValue is not null)
        {
            Array.Fill(Elements, initialValue);
        }
    }

    /// <summary>Element type.</summary>
    public ValueKind Kind { get; }

    /// <summary>Declared minimum.</summary>
    public uint Minimum { get; }

    /// <summary>Declared maximum.</summary>
    public uint? DeclaredMaximum { get; }

    /// <summary>Effective maximum (declared maximum and limits).</summary>
    public uint Maximum { get; internal set; }

    /// <summary>Current number of elements.</summary>
    public int Size => Length;

    /// <summary>Reads an element.</summary>
    public object? GetElement(int index) =>
        (uint)index < (uint)Length ? Elements[index] : throw new WasmTrap(TrapCode.OutOfBoundsTable);

    /// <summary>Writes an element.</summary>
    public void SetElement(int index, object? value)
    {
        if ((uint)index >= (uint)Length)
        {
            throw new WasmTrap(TrapCode.OutOfBoundsTable);
        }

        if (Kind == ValueKind.FuncRef && value is not null and not Function)
        {
            throw new ArgumentException("a funcref table holds Function objects", nameof(value));
        }

        Elements[index] = value;
    }

    /// <summary>Grows by <paramref name="delta"/> elements; returns the old size or -1.</summary>
    public int Grow(uint delta, object? initialValue)
    {
        var old = Length;
        var wanted = (long)old + delta;
        if (wanted > Maximum || wanted > Array.MaxLength)
        {
            return -1;
        }

        if (wanted > Elements.Length)
        {
            var capacity = (int)Math.Min(Math.Max(wanted, Math.Min((long)Elements.Length * 2, Maximum)), Array.MaxLength);
            Array.Resize(ref Elements, capacity);
        }

        Elements.AsSpan(old, (int)delta).Fill(initialValue);
        Length = (int)wanted;
        return old;
    }
}
