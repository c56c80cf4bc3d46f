using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using Marketplace.Runtime.Serialization.Codecs;

namespace Marketplace.Runtime.Serialization;

/// <summary>
/// Finds the codec for a type. Generated codecs register themselves from module initializers; built-in codecs cover
/// scalars, strings, bytes, GUIDs, time values, enums, nullables, arrays, lists, sets, dictionaries, grain ids, grain
/// references and exceptions. Each lookup is resolved once per type and cached in a static generic field, so the
/// call path does a single static field read.
/// </summary>
public static class CodecRegistry
{
    private static readonly Lock Gate = new();
    private static readonly Dictionary<Type, IObjectCodec> ObjectCodecsByType = new();
    private static readonly Dictionary<string, IObjectCodec> ObjectCodecsByAlias = new(StringComparer.Ordinal);

    /// <summary>Registers a codec (generated code calls this from a module initializer).</summary>
    public static void Register<T>(IFieldCodec<T> codec)
    {
        ArgumentNullException.ThrowIfNull(codec);
        Cache<T>.Instance ??= codec;
        if (codec is IObjectCodec objectCodec)
        {
            lock (Gate)
            {
                ObjectCodecsByType[objectCodec.Type] = objectCodec;
                ObjectCodecsByAlias[objectCodec.Alias] = objectCodec;
            }
        }
    }

    /// <summary>The codec for <typeparamref name="T"/>.</summary>
    /// <exception cref="GrainSerializationException">No codec exists for the type.</exception>
    public static IFieldCodec<T> Get<T>() => Cache<T>.Instance ?? Resolve<T>();

    /// <summary>The object codec registered for a runtime type.</summary>
    internal static IObjectCodec GetObjectCodec(Type type)
    {
        lock (Gate)
        {
            if (ObjectCodecsByType.TryGetValue(type, out var codec))
            {
                return codec;
            }
        }

        RuntimeHelpers.RunModuleConstructor(type.Module.ModuleHandle);
        lock (Gate)
        {
            return ObjectCodecsByType.TryGetValue(type, out var codec)
                ? codec
                : throw new GrainSerializationException($"No codec for type {type}: mark it [GenerateSerializer] and its members [Id(n)].");
        }
    }

    /// <summary>The object codec registered under a wire alias.</summary>
    internal static IObjectCodec GetObjectCodec(string alias)
    {
        lock (Gate)
        {
            return ObjectCodecsByAlias.TryGetValue(alias, out var codec)
                ? codec
                : throw new GrainSerializationException($"No codec for wire type '{alias}' (is the assembly that defines it loaded?).");
        }
    }

    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "Resolution runs once per type.")]
    private static IFieldCodec<T> Resolve<T>()
    {
        var type = typeof(T);
        RuntimeHelpers.RunModuleConstructor(type.Module.ModuleHandle);
        if (Cache<T>.Instance is { } registered)
        {
            return registered;
        }

        var codec = (IFieldCodec<T>)(BuiltIn(type) ?? throw new GrainSerializationException(
            $"No codec for type {type}: mark it [GenerateSerializer] and its members [Id(n)], or use a supported built-in type."));
        Cache<T>.Instance = codec;
        return codec;
    }

    /// <summary>Built-in codecs; generic shapes are closed once per type here (never on the call path).</summary>
    private static object? BuiltIn(Type type)
    {
        if (Scalar(type) is { } scalar)
        {
            return scalar;
        }

        if (type.IsEnum)
        {
            return Activator.CreateInstance(typeof(EnumCodec<>).MakeGenericType(type));
        }

        if (type.IsArray && type.GetArrayRank() == 1)
        {
            var element = type.GetElementType()!;
            return Activator.CreateInstance(typeof(ArrayCodec<>).MakeGenericType(element), GetUntyped(element));
        }

        if (typeof(Exception).IsAssignableFrom(type))
        {
            return Activator.CreateInstance(typeof(ExceptionCodec<>).MakeGenericType(type));
        }

        if (type.IsInterface && typeof(IAddressable).IsAssignableFrom(type))
        {
            return Activator.CreateInstance(typeof(GrainReferenceCodec<>).MakeGenericType(type));
        }

        if (!type.IsGenericType)
        {
            return null;
        }

        var definition = type.GetGenericTypeDefinition();
        var args = type.GetGenericArguments();
        if (definition == typeof(Nullable<>))
        {
            return Activator.CreateInstance(typeof(NullableCodec<>).MakeGenericType(args), GetUntyped(args[0]));
        }

        if (definition == typeof(List<>))
        {
            return Activator.CreateInstance(typeof(ListCodec<>).MakeGenericType(args), GetUntyped(args[0]));
        }

        if (definition == typeof(HashSet<>))
        {
            return Activator.CreateInstance(typeof(HashSetCodec<>).MakeGenericType(args), GetUntyped(args[0]));
        }

        if (definition == typeof(IReadOnlyList<>) || definition == typeof(IList<>) || definition == typeof(ICollection<>)
            || definition == typeof(IReadOnlyCollection<>) || definition == typeof(IEnumerable<>))
        {
            return Activator.CreateInstance(typeof(EnumerableCodec<,>).MakeGenericType(type, args[0]), GetUntyped(args[0]));
        }

        if (definition == typeof(Dictionary<,>) || definition == typeof(IDictionary<,>) || definition == typeof(IReadOnlyDictionary<,>))
        {
            return Activator.CreateInstance(typeof(DictionaryCodec<,,>).MakeGenericType(type, args[0], args[1]), GetUntyped(args[0]), GetUntyped(args[1]));
        }

        if (definition == typeof(ValueTuple<,>))
        {
            return Activator.CreateInstance(typeof(ValueTupleCodec<,>).MakeGenericType(args), GetUntyped(args[0]), GetUntyped(args[1]));
        }

        if (definition == typeof(ValueTuple<,,>))
        {
            return Activator.CreateInstance(typeof(ValueTupleCodec<,,>).MakeGenericType(args), GetUntyped(args[0]), GetUntyped(args[1]), GetUntyped(args[2]));
        }

        if (definition == typeof(KeyValuePair<,>))
        {
            return Activator.CreateInstance(typeof(KeyValuePairCodec<,>).MakeGenericType(args), GetUntyped(args[0]), GetUntyped(args[1]));
        }

        return null;
    }

    private static object? Scalar(Type type)
    {
        return type switch
        {
            _ when type == typeof(int) => Int32Codec.Instance,
            _ when type == typeof(long) => Int64Codec.Instance,
            _ when type == typeof(short) => Int16Codec.Instance,
            _ when type == typeof(sbyte) => SByteCodec.Instance,
            _ when type == typeof(uint) => UInt32Codec.Instance,
            _ when type == typeof(ulong) => UInt64Codec.Instance,
            _ when type == typeof(ushort) => UInt16Codec.Instance,
            _ when type == typeof(byte) => ByteCodec.Instance,
            _ when type == typeof(char) => CharCodec.Instance,
            _ when type == typeof(bool) => BooleanCodec.Instance,
            _ when type == typeof(float) => SingleCodec.Instance,
            _ when type == typeof(double) => DoubleCodec.Instance,
            _ when type == typeof(decimal) => DecimalCodec.Instance,
            _ when type == typeof(string) => StringCodec.Instance,
            _ when type == typeof(byte[]) => ByteArrayCodec.Instance,
            _ when type == typeof(ReadOnlyMemory<byte>) => ByteMemoryCodec.Instance,
            _ when type == typeof(Guid) => GuidCodec.Instance,
            _ when type == typeof(DateTime) => DateTimeCodec.Instance,
            _ when type == typeof(DateTimeOffset) => DateTimeOffsetCodec.Instance,
            _ when type == typeof(TimeSpan) => TimeSpanCodec.Instance,
            _ when type == typeof(GrainId) => GrainIdCodec.Instance,
            _ when type == typeof(object) => UntypedObjectCodec.Instance,
            _ => null,
        };
    }

    private static object GetUntyped(Type type) =>
        typeof(CodecRegistry).GetMethod(nameof(Get))!.MakeGenericMethod(type).Invoke(null, null)!;

    private static class Cache<T>
    {
        public static IFieldCodec<T>? Instance;
    }
}
