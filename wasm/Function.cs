using Marketplace.Wasm.Runtime;

namespace Marketplace.Wasm;

/// <summary>A callable function: compiled WebAssembly code of an instance, or a host function.</summary>
public sealed class Function
{
    // Read by compiled code: the native entry point and the context object passed as its last argument.
    internal readonly IntPtr Code;
    internal readonly object Ctx;
    internal readonly int TypeId;

    internal Function(FuncType type, int typeId, IntPtr code, object ctx, Engine engine)
    {
        Type = type;
        TypeId = typeId;
        Code = code;
        Ctx = ctx;
        Engine = engine;
    }

    /// <summary>The signature.</summary>
    public FuncType Type { get; }

    internal Engine Engine { get; }

    internal Store? Store => (Ctx as InstanceContext)?.Store;

    /// <summary>Calls the function with untyped arguments and returns its results.</summary>
    public WasmValue[] Invoke(params WasmValue[] args)
    {
        var ps = Type.ParamArray;
        if (args.Length != ps.Length)
        {
            throw new ArgumentException($"expected {ps.Length} arguments, got {args.Length}", nameof(args));
        }

        for (var i = 0; i < ps.Length; i++)
        {
            if (args[i].Kind != ps[i])
            {
                throw new ArgumentException($"argument {i} must be {ps[i]}, not {args[i].Kind}", nameof(args));
            }
        }

        var results = new WasmValue[Type.ResultArray.Length];
        var invoker = Engine.Invokers.Get(Type);
        var store = Store;
        var saved = store?.DepthLeft ?? 0;
        if (store is { IsInterrupted: true })
        {
            throw new WasmTrap(TrapCode.Interrupted);
        }

        try
        {
            invoker(this, args, results, store?.DepthLeft ?? int.MaxValue, store?.Fuel ?? 0);
        }
        catch (InvalidProgramException e)
        {
            // Last line of defence: the JIT hit an internal limit on a function it had to compile lazily.
            throw new WasmCompilationException("a WebAssembly function exceeds a .NET JIT limit and cannot run", e);
        }
        finally
        {
            if (store is not null)
            {
                store.DepthLeft = saved;
            }
        }

        return results;
    }
}
