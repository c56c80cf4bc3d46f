namespace Marketplace.Wasm;

/// <summary>Per-execution state: fuel, limits, call depth and host data. Not thread-safe: one thread at a time.</summary>
public sealed class Store
{
    // Read and written directly by compiled code.
    internal long Fuel;
    internal int DepthLeft;

    private long budget;

    /// <summary>Creates a store for <paramref name="engine"/> holding optional host data.</summary>
    public Store(Engine engine, object? data = null)
    {
        Engine = engine;
        Data = data;
        DepthLeft = (engine.Config.MaxCallDepth + 15) & ~15;
        MaxMemoryPages = engine.Config.MaxMemoryPages;
        MaxTableElements = engine.Config.MaxTableElements;
    }

    /// <summary>The engine.</summary>
    public Engine Engine { get; }

    /// <summary>Host data for host functions.</summary>
    public object? Data { get; set; }

    /// <summary>Memory limit in pages for memories created or grown in this store.</summary>
    public uint MaxMemoryPages { get; private set; }

    /// <summary>Table limit in elements.</summary>
    public uint MaxTableElements { get; private set; }

    /// <summary>Fuel consumed since the last <see cref="SetFuel"/>.</summary>
    public ulong FuelConsumed => (ulong)Math.Max(0, budget - Math.Max(0, Fuel));

    /// <summary>Sets the remaining fuel (the budget); consumption is counted from here.</summary>
    public void SetFuel(ulong fuel)
    {
        RequireFuel();
        Fuel = (long)Math.Min(fuel, long.MaxValue);
        budget = Fuel;
    }

    /// <summary>Remaining fuel.</summary>
    public ulong GetFuel()
    {
        RequireFuel();
        return (ulong)Math.Max(0, Fuel);
    }

    /// <summary>Lets a host function charge fuel; traps with <see cref="TrapCode.OutOfFuel"/> when it does not fit.</summary>
    public void ConsumeFuel(ulong amount)
    {
        if (!Engine.Config.FuelConsumption)
        {
            return;
        }

        if (amount > (ulong)Fuel)
        {
            Fuel = 0;
            throw new WasmTrap(TrapCode.OutOfFuel);
        }

        Fuel -= (long)amount;
    }

    /// <summary>Lowers the memory and table limits for this store (never above the engine's).</summary>
    public void SetLimits(uint? memoryPages = null, uint? tableElements = null)
    {
        if (memoryPages is { } p)
        {
            MaxMemoryPages = Math.Min(p, Engine.Config.MaxMemoryPages);
        }

        if (tableElements is { } t)
        {
            MaxTableElements = Math.Min(t, Engine.Config.MaxTableElements);
        }
    }

    private void RequireFuel()
    {
        if (!Engine.Config.FuelConsumption)
        {
            throw new InvalidOperationException("fuel consumption is not enabled in the engine's Config");
        }
    }
}
