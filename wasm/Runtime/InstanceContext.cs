namespace Marketplace.Wasm.Runtime;

/// <summary>The state compiled code of one instance reaches through its context argument.</summary>
internal sealed class InstanceContext
{
    public required Store Store;
    public Memory? Memory;
    public Global[] Globals = Array.Empty<Global>();
    public Table[] Tables = Array.Empty<Table>();
    public Function[] Functions = Array.Empty<Function>();
    public byte[][] Data = Array.Empty<byte[]>();
    public object?[][] Elements = Array.Empty<object?[]>();
    public required Module Module;
}
