namespace Marketplace.Wasm.Runtime;

/// <summary>The context object of a host function: its delegate, read by the generated trampoline.</summary>
internal sealed class HostCallable
{
    public HostCallable(FuncType type, Delegate? typed, HostCallback? untyped)
    {
        Type = type;
        Typed = typed;
        Untyped = untyped;
    }

    public readonly Delegate? Typed;

    public FuncType Type { get; }

    public HostCallback? Untyped { get; }

    public WasmValue[] InvokeUntyped(WasmValue[] args)
    {
        var results = new WasmValue[Type.ResultArray.Length];
        Untyped!(args, results);
        for (var i = 0; i < results.Length; i++)
        {
            if (results[i].Kind != Type.ResultArray[i])
            {
                throw new InvalidOperationException($"host function returned {results[i].Kind} for result {i}, expected {Type.ResultArray[i]}");
            }
        }

        return results;
    }
}
