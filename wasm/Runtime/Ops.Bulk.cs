namespace Marketplace.Wasm.Runtime;

/// <summary>Memory, table and segment operations; bulk ones charge fuel by length before doing any work.</summary>
internal static partial class Ops
{
    /// <summary>Extra fuel for bulk memory operations: one unit per started 64 bytes.</summary>
    public const int BytesPerFuel = 64;

    private static void ChargeBulk(Store store, long units)
    {
        if (units <= 0 || !store.Engine.Config.FuelConsumption)
        {
            return;
        }

        store.ConsumeFuel((ulong)units);
    }

    private static long BytesFuel(uint n) => ((long)n + BytesPerFuel - 1) / BytesPerFuel;

    public static int MemoryGrow(int delta, InstanceContext ctx)
    {
        var mem = ctx.Memory!;
        return mem.Grow((uint)delta);
    }

    public static int MemorySize(InstanceContext ctx) => (int)ctx.Memory!.Pages;

    public static void MemoryFill(int dst, int value, int n, InstanceContext ctx)
    {
        ChargeBulk(ctx.Store, BytesFuel((uint)n));
        var mem = ctx.Memory!;
        if ((ulong)(uint)dst + (uint)n > (ulong)mem.Length)
        {
            Throw(TrapCode.OutOfBoundsMemory);
        }

        mem.Buffer.AsSpan((int)(uint)dst, (int)(uint)n).Fill((byte)value);
    }

    public static void MemoryCopy(int dst, int src, int n, InstanceContext ctx)
    {
        ChargeBulk(ctx.Store, BytesFuel((uint)n));
        var mem = ctx.Memory!;
        if ((ulong)(uint)dst + (uint)n > (ulong)mem.Length || (ulong)(uint)src + (uint)n > (ulong)mem.Length)
        {
            Throw(TrapCode.OutOfBoundsMemory);
        }

        Buffer.BlockCopy(mem.Buffer, (int)(uint)src, mem.Buffer, (int)(uint)dst, (int)(uint)n);
    }

    public static void MemoryInit(int dst, int src, int n, InstanceContext ctx, int segment)
    {
        ChargeBulk(ctx.Store, BytesFuel((uint)n));
        var data = ctx.Data[segment];
        var mem = ctx.Memory!;
        if ((ulong)(uint)src + (uint)n > (ulong)data.Length || (ulong)(uint)dst + (uint)n > (ulong)mem.Length)
        {
            Throw(TrapCode.OutOfBoundsMemory);
        }

        data.AsSpan((int)(uint)src, (int)(uint)n).CopyTo(mem.Buffer.AsSpan((int)(uint)dst));
    }

    public static void DataDrop(InstanceContext ctx, int segment) => ctx.Data[segment] = Array.Empty<byte>();

    public static object? TableGet(int i, InstanceContext ctx, int table)
    {
        var t = ctx.Tables[table];
        if ((uint)i >= (uint)t.Length)
        {
            Throw(TrapCode.OutOfBoundsTable);
        }

        return t.Elements[i];
    }

    public static void TableSet(int i, object? value, InstanceContext ctx, int table)
    {
        var t = ctx.Tables[table];
        if ((uint)i >= (uint)t.Length)
        {
            Throw(TrapCode.OutOfBoundsTable);
        }

        t.Elements[i] = value;
    }

    public static int TableSize(InstanceContext ctx, int table) => ctx.Tables[table].Length;

    public static int TableGrow(object? init, int delta, InstanceContext ctx, int table)
    {
        ChargeBulk(ctx.Store, (uint)delta);
        var t = ctx.Tables[table];
        var limit = Math.Min(t.Maximum, ctx.Store.MaxTableElements);
        if ((long)t.Length + (uint)delta > limit)
        {
            return -1;
        }

        return t.Grow((uint)delta, init);
    }

    public static void TableFill(int i, object? value, int n, InstanceContext ctx, int table)
    {
        ChargeBulk(ctx.Store, (uint)n);
        var t = ctx.Tables[table];
        if ((ulong)(uint)i + (uint)n > (ulong)t.Length)
        {
            Throw(TrapCode.OutOfBoundsTable);
        }

        t.Elements.AsSpan(i, n).Fill(value);
    }

    public static void TableCopy(int dst, int src, int n, InstanceContext ctx, int dstTable, int srcTable)
    {
        ChargeBulk(ctx.Store, (uint)n);
        var d = ctx.Tables[dstTable];
        var s = ctx.Tables[srcTable];
        if ((ulong)(uint)src + (uint)n > (ulong)s.Length || (ulong)(uint)dst + (uint)n > (ulong)d.Length)
        {
            Throw(TrapCode.OutOfBoundsTable);
        }

        Array.Copy(s.Elements, src, d.Elements, dst, n);
    }

    public static void TableInit(int dst, int src, int n, InstanceContext ctx, int segment, int table)
    {
        ChargeBulk(ctx.Store, (uint)n);
        var seg = ctx.Elements[segment];
        var t = ctx.Tables[table];
        if ((ulong)(uint)src + (uint)n > (ulong)seg.Length || (ulong)(uint)dst + (uint)n > (ulong)t.Length)
        {
            Throw(TrapCode.OutOfBoundsTable);
        }

        Array.Copy(seg, src, t.Elements, dst, n);
    }

    public static void ElemDrop(InstanceContext ctx, int segment) => ctx.Elements[segment] = Array.Empty<object?>();

    public static Function ResolveIndirect(int i, InstanceContext ctx, int table, int typeId)
    {
        var t = ctx.Tables[table];
        if ((uint)i >= (uint)t.Length)
        {
            Throw(TrapCode.OutOfBoundsTable);
        }

        if (t.Elements[i] is not Function f)
        {
            throw new WasmTrap(TrapCode.NullReference);
        }

        if (f.TypeId != typeId)
        {
            Throw(TrapCode.IndirectCallTypeMismatch);
        }

        return f;
    }
}
