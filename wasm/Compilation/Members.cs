using System.Numerics;
using System.Reflection;
using System.Runtime.InteropServices;
using Marketplace.Wasm.Runtime;

namespace Marketplace.Wasm.Compilation;

/// <summary>Reflection handles used while emitting IL (looked up once).</summary>
internal static class Members
{
    private const BindingFlags Any = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static;

    public static readonly FieldInfo CtxStore = F(typeof(InstanceContext), nameof(InstanceContext.Store));
    public static readonly FieldInfo CtxMemory = F(typeof(InstanceContext), nameof(InstanceContext.Memory));
    public static readonly FieldInfo CtxGlobals = F(typeof(InstanceContext), nameof(InstanceContext.Globals));
    public static readonly FieldInfo CtxFunctions = F(typeof(InstanceContext), nameof(InstanceContext.Functions));
    public static readonly FieldInfo StoreFuel = F(typeof(Store), nameof(Store.Fuel));
    public static readonly FieldInfo StoreDepth = F(typeof(Store), nameof(Store.DepthLeft));
    public static readonly FieldInfo MemoryBuffer = F(typeof(Memory), nameof(Memory.Buffer));
    public static readonly FieldInfo MemoryLength = F(typeof(Memory), nameof(Memory.Length));
    public static readonly FieldInfo GlobalBits = F(typeof(Global), nameof(Global.Bits));
    public static readonly FieldInfo GlobalRef = F(typeof(Global), nameof(Global.Ref));
    public static readonly FieldInfo FunctionCode = F(typeof(Function), nameof(Function.Code));
    public static readonly FieldInfo FunctionCtx = F(typeof(Function), nameof(Function.Ctx));

    public static readonly MethodInfo ArrayData = typeof(MemoryMarshal).GetMethods()
        .Single(m => m.Name == nameof(MemoryMarshal.GetArrayDataReference) && m.IsGenericMethodDefinition)
        .MakeGenericMethod(typeof(byte));

    public static readonly MethodInfo SingleToBits = typeof(BitConverter).GetMethod(nameof(BitConverter.SingleToInt32Bits))!;
    public static readonly MethodInfo BitsToSingle = typeof(BitConverter).GetMethod(nameof(BitConverter.Int32BitsToSingle))!;
    public static readonly MethodInfo DoubleToBits = typeof(BitConverter).GetMethod(nameof(BitConverter.DoubleToInt64Bits))!;
    public static readonly MethodInfo BitsToDouble = typeof(BitConverter).GetMethod(nameof(BitConverter.Int64BitsToDouble))!;

    public static readonly MethodInfo Clz32 = typeof(BitOperations).GetMethod(nameof(BitOperations.LeadingZeroCount), new[] { typeof(uint) })!;
    public static readonly MethodInfo Ctz32 = typeof(BitOperations).GetMethod(nameof(BitOperations.TrailingZeroCount), new[] { typeof(uint) })!;
    public static readonly MethodInfo Pop32 = typeof(BitOperations).GetMethod(nameof(BitOperations.PopCount), new[] { typeof(uint) })!;
    public static readonly MethodInfo Clz64 = typeof(BitOperations).GetMethod(nameof(BitOperations.LeadingZeroCount), new[] { typeof(ulong) })!;
    public static readonly MethodInfo Ctz64 = typeof(BitOperations).GetMethod(nameof(BitOperations.TrailingZeroCount), new[] { typeof(ulong) })!;
    public static readonly MethodInfo Pop64 = typeof(BitOperations).GetMethod(nameof(BitOperations.PopCount), new[] { typeof(ulong) })!;
    public static readonly MethodInfo Rotl32 = typeof(BitOperations).GetMethod(nameof(BitOperations.RotateLeft), new[] { typeof(uint), typeof(int) })!;
    public static readonly MethodInfo Rotr32 = typeof(BitOperations).GetMethod(nameof(BitOperations.RotateRight), new[] { typeof(uint), typeof(int) })!;
    public static readonly MethodInfo Rotl64 = typeof(BitOperations).GetMethod(nameof(BitOperations.RotateLeft), new[] { typeof(ulong), typeof(int) })!;
    public static readonly MethodInfo Rotr64 = typeof(BitOperations).GetMethod(nameof(BitOperations.RotateRight), new[] { typeof(ulong), typeof(int) })!;

    public static readonly MethodInfo CeilF32 = typeof(MathF).GetMethod(nameof(MathF.Ceiling))!;
    public static readonly MethodInfo FloorF32 = typeof(MathF).GetMethod(nameof(MathF.Floor))!;
    public static readonly MethodInfo TruncF32 = typeof(MathF).GetMethod(nameof(MathF.Truncate))!;
    public static readonly MethodInfo SqrtF32 = typeof(MathF).GetMethod(nameof(MathF.Sqrt))!;
    public static readonly MethodInfo CeilF64 = typeof(Math).GetMethod(nameof(Math.Ceiling), new[] { typeof(double) })!;
    public static readonly MethodInfo FloorF64 = typeof(Math).GetMethod(nameof(Math.Floor), new[] { typeof(double) })!;
    public static readonly MethodInfo TruncF64 = typeof(Math).GetMethod(nameof(Math.Truncate), new[] { typeof(double) })!;
    public static readonly MethodInfo SqrtF64 = typeof(Math).GetMethod(nameof(Math.Sqrt), new[] { typeof(double) })!;

    private static readonly Dictionary<string, MethodInfo> OpMethods = typeof(Ops)
        .GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)
        .Where(m => m.DeclaringType == typeof(Ops))
        .ToDictionary(m => m.Name, StringComparer.Ordinal);

    public static MethodInfo Op(string name) => OpMethods.TryGetValue(name, out var m) ? m : throw new MissingMethodException(nameof(Ops), name);

    private static FieldInfo F(Type t, string name) => t.GetField(name, Any) ?? throw new MissingFieldException(t.Name, name);
}
