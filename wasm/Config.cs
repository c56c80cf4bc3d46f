namespace Marketplace.Wasm;

/// <summary>Engine settings (fluent, Wasmtime-style). Fixed once an <see cref="Engine"/> is created.</summary>
public sealed class Config
{
    /// <summary>Whether compiled code meters fuel (see README: fuel rule).</summary>
    public bool FuelConsumption { get; private set; }

    /// <summary>Largest linear memory in 64 KiB pages (hard cap 32767: memories are managed arrays).</summary>
    public uint MaxMemoryPages { get; private set; } = 16384;

    /// <summary>Largest table in elements.</summary>
    public uint MaxTableElements { get; private set; } = 1_000_000;

    /// <summary>Deepest nesting of WebAssembly calls (rounded up to a multiple of 16).</summary>
    public int MaxCallDepth { get; private set; } = 10_000;

    /// <summary>Whether every NaN produced by float arithmetic is replaced by the positive canonical NaN.</summary>
    public bool NaNCanonicalization { get; private set; } = true;

    /// <summary>
    /// Fuel handed to running code at a time (default 1,000,000, about a millisecond of execution): the store keeps
    /// the rest of the budget in reserve and checks for <see cref="Store.Interrupt"/> each time a slice runs out, so
    /// this bounds how long an interrupted run keeps going at no cost on the metered fast path.
    /// </summary>
    public long InterruptCheckInterval { get; private set; } = 1_000_000;

    /// <summary>Whether compiled functions skip .NET tiered compilation and are fully optimized on first call.</summary>
    public bool AggressiveOptimization { get; private set; } = true;

    /// <summary>Turns full optimization on first call on or off (off: faster start, tiered JIT).</summary>
    public Config WithAggressiveOptimization(bool enable)
    {
        AggressiveOptimization = enable;
        return this;
    }

    /// <summary>Sets <see cref="InterruptCheckInterval"/> in fuel units (at least 1,000).</summary>
    public Config WithInterruptCheckInterval(long fuel)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(fuel, 1_000);
        InterruptCheckInterval = fuel;
        return this;
    }

    /// <summary>Turns fuel metering on or off.</summary>
    public Config WithFuelConsumption(bool enable)
    {
        FuelConsumption = enable;
        return this;
    }

    /// <summary>Sets the memory limit in pages.</summary>
    public Config WithMaxMemoryPages(uint pages)
    {
        MaxMemoryPages = Math.Min(pages, Memory.HardMaxPages);
        return this;
    }

    /// <summary>Sets the table size limit.</summary>
    public Config WithMaxTableElements(uint elements)
    {
        MaxTableElements = Math.Min(elements, (uint)Array.MaxLength);
        return this;
    }

    /// <summary>Sets the call depth limit.</summary>
    public Config WithMaxCallDepth(int depth)
    {
        MaxCallDepth = Math.Clamp(depth, 16, 1_000_000);
        return this;
    }

    /// <summary>Turns NaN canonicalization on or off.</summary>
    public Config WithNaNCanonicalization(bool enable)
    {
        NaNCanonicalization = enable;
        return this;
    }

    internal Config Clone() => (Config)MemberwiseClone();
}
