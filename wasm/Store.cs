namespace Marketplace.Wasm;

/// <summary>
/// Per-execution state: fuel, limits, call depth and host data. Not thread-safe: one thread at a time runs code in a
/// store; only <see cref="Interrupt"/> may be called from another thread.
/// </summary>
/// <remarks>
/// Fuel is handed to compiled code in slices of <see cref="Config.InterruptCheckInterval"/>: <see cref="Fuel"/> is the
/// current slice (read and written by compiled code), the rest of the budget waits in a reserve. When a slice runs
/// out, compiled code calls <see cref="Refuel"/>, which checks for an interrupt and moves the next slice over, so an
/// interrupt costs nothing on the fast path and stops a run within one slice.
/// </remarks>
public sealed class Store
{
    // Read and written directly by compiled code.
    internal long Fuel;
    internal int DepthLeft;

    private long budget;
    private long reserve;
    private volatile bool interrupted;

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
    public ulong FuelConsumed => (ulong)Math.Max(0, budget - Math.Max(0, Fuel) - reserve);

    /// <summary>True once <see cref="Interrupt"/> was called.</summary>
    public bool IsInterrupted => interrupted;

    /// <summary>Sets the remaining fuel (the budget); consumption is counted from here.</summary>
    public void SetFuel(ulong fuel)
    {
        RequireFuel();
        budget = (long)Math.Min(fuel, long.MaxValue);
        Fuel = Math.Min(budget, Engine.Config.InterruptCheckInterval);
        reserve = budget - Fuel;
    }

    /// <summary>Remaining fuel.</summary>
    public ulong GetFuel()
    {
        RequireFuel();
        return (ulong)(Math.Max(0, Fuel) + reserve);
    }

    /// <summary>
    /// Stops code running in this store: within one <see cref="Config.InterruptCheckInterval"/> of fuel the running
    /// call traps with <see cref="TrapCode.Interrupted"/>, and so does every later call into the store. Safe to call
    /// from any thread (a timer, a cancellation callback). Needs fuel consumption (that is where the check lives).
    /// </summary>
    public void Interrupt()
    {
        if (!Engine.Config.FuelConsumption)
        {
            throw new NotSupportedException("Store.Interrupt needs fuel consumption enabled in the engine's Config (the check runs when a fuel slice is used up).");
        }

        interrupted = true;
    }

    /// <summary>Lets a host function charge fuel; traps with <see cref="TrapCode.OutOfFuel"/> when it does not fit
    /// and with <see cref="TrapCode.Interrupted"/> after <see cref="Interrupt"/>.</summary>
    public void ConsumeFuel(ulong amount)
    {
        if (!Engine.Config.FuelConsumption)
        {
            return;
        }

        if (interrupted)
        {
            throw new WasmTrap(TrapCode.Interrupted);
        }

        if (amount > (ulong)(Math.Max(0, Fuel) + reserve))
        {
            Fuel = 0;
            reserve = 0;
            throw new WasmTrap(TrapCode.OutOfFuel);
        }

        Fuel -= (long)amount;
        if (Fuel < 0)
        {
            Fuel = Refuel(Fuel);
        }
    }

    /// <summary>
    /// Called by compiled code (and bulk operations) when the current slice is used up (<paramref name="fuel"/> &lt; 0):
    /// traps if interrupted, otherwise moves reserve into the slice until it is non-negative and returns the new slice
    /// value; traps with OutOfFuel when the reserve cannot cover it.
    /// </summary>
    internal long Refuel(long fuel)
    {
        if (interrupted)
        {
            Fuel = Math.Max(0, fuel);
            throw new WasmTrap(TrapCode.Interrupted);
        }

        var interval = Engine.Config.InterruptCheckInterval;
        while (fuel < 0 && reserve > 0)
        {
            var take = Math.Min(interval, reserve);
            reserve -= take;
            fuel += take;
        }

        if (fuel < 0)
        {
            Fuel = 0;
            throw new WasmTrap(TrapCode.OutOfFuel);
        }

        Fuel = fuel;
        return fuel;
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
