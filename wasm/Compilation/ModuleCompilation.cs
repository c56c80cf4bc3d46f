using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.CompilerServices;
using Marketplace.Wasm.Decoding;
using Marketplace.Wasm.Runtime;

namespace Marketplace.Wasm.Compilation;

/// <summary>Compiles every function of a validated module into static methods of one collectible dynamic type.</summary>
internal sealed class ModuleCompilation
{
    private static int counter;

    private readonly Engine engine;

    public ModuleCompilation(Engine engine, ModuleInfo module, int[] typeIds)
    {
        this.engine = engine;
        Module = module;
        Config = engine.Config;
        TypeIds = typeIds;
    }

    public ModuleInfo Module { get; }

    public Config Config { get; }

    public int[] TypeIds { get; }

    public MethodBuilder[] Methods { get; private set; } = Array.Empty<MethodBuilder>();

    internal static ModuleBuilder NewModuleBuilder(string name)
    {
        var ab = AssemblyBuilder.DefineDynamicAssembly(new AssemblyName(name), AssemblyBuilderAccess.RunAndCollect);
        var ctor = typeof(IgnoresAccessChecksToAttribute).GetConstructor(new[] { typeof(string) })!;
        ab.SetCustomAttribute(new CustomAttributeBuilder(ctor, new object[] { typeof(ModuleCompilation).Assembly.GetName().Name! }));
        return ab.DefineDynamicModule(name);
    }

    /// <summary>Emits IL for every defined function and returns their entry points, in function order.</summary>
    public (Type Type, IntPtr[] Entries) Compile()
    {
        lock (engine.CompileLock)
        {
            return CompileInto(engine.CodeModule);
        }
    }

    private (Type Type, IntPtr[] Entries) CompileInto(ModuleBuilder moduleBuilder)
    {
        var id = Interlocked.Increment(ref counter);
        var tb = moduleBuilder.DefineType("WasmCode" + id, TypeAttributes.Public | TypeAttributes.Sealed | TypeAttributes.Abstract);
        var defined = Module.Bodies.Count;
        Methods = new MethodBuilder[defined];
        for (var i = 0; i < defined; i++)
        {
            var t = Module.Types[Module.FunctionTypes[Module.ImportedFunctions + i]];
            var ps = FunctionCompiler.CalliParams(t);
            ps[^1] = typeof(InstanceContext);
            Methods[i] = tb.DefineMethod("f" + i, MethodAttributes.Public | MethodAttributes.Static, FunctionCompiler.CalliReturn(t), ps);
            if (Config.AggressiveOptimization)
            {
                // Skip tier-0: wasm hot loops are usually entered once, so tiering would leave them in OSR code.
                Methods[i].SetImplementationFlags(MethodImplAttributes.AggressiveOptimization);
            }
        }

        for (var i = 0; i < defined; i++)
        {
            var t = Module.Types[Module.FunctionTypes[Module.ImportedFunctions + i]];
            new FunctionCompiler(this, Methods[i], t, Module.Bodies[i]).Compile();
        }

        var type = tb.CreateType();
        var entries = new IntPtr[defined];
        var methods = type.GetMethods(BindingFlags.Public | BindingFlags.Static);
        foreach (var m in methods)
        {
            if (m.Name.StartsWith('f') && int.TryParse(m.Name.AsSpan(1), out var index))
            {
                entries[index] = m.MethodHandle.GetFunctionPointer();
            }
        }

        return (type, entries);
    }
}
