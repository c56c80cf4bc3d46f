using System.Reflection;
using Marketplace.Runtime.Invocation;

namespace Marketplace.Runtime.Serialization;

/// <summary>
/// Copies call arguments and results between activations in the same process so grains never share mutable objects.
/// Immutable types (scalars, strings, enums, GUIDs, time values, grain ids and references, <c>[Immutable]</c> types and
/// read-only structs of those) pass through; everything else is copied by a serialization round trip.
/// Immutability is decided once per type.
/// </summary>
public static class DeepCopier
{
    /// <summary>Copies <paramref name="value"/> unless its type is immutable.</summary>
    public static T Copy<T>(T value, ICodecContext? context = null)
    {
        if (Immutability<T>.IsImmutable || value is null || value is GrainReference || value is Exception)
        {
            return value;
        }

        return BinarySerializer.Deserialize<T>(BinarySerializer.Serialize(value, context), context);
    }

    /// <summary>True when values of <typeparamref name="T"/> are passed without copying.</summary>
    public static bool IsImmutable<T>() => Immutability<T>.IsImmutable;

    private static class Immutability<T>
    {
        public static readonly bool IsImmutable = Decide(typeof(T), 0);
    }

    private static bool Decide(Type type, int depth)
    {
        if (depth > 4)
        {
            return false;
        }

        if (type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(Guid)
            || type == typeof(DateTime) || type == typeof(DateTimeOffset) || type == typeof(TimeSpan) || type == typeof(GrainId)
            || type == typeof(CancellationToken) || type == typeof(ReadOnlyMemory<byte>) || type == typeof(Uri) || type == typeof(Version))
        {
            return true;
        }

        if (type.IsInterface && typeof(IAddressable).IsAssignableFrom(type))
        {
            return true;
        }

        if (type.IsDefined(typeof(ImmutableAttribute), false))
        {
            return true;
        }

        if (type.IsGenericType && type.FullName!.StartsWith("System.ValueTuple`", StringComparison.Ordinal))
        {
            return type.GetGenericArguments().All(a => Decide(a, depth + 1));
        }

        if (Nullable.GetUnderlyingType(type) is { } underlying)
        {
            return Decide(underlying, depth + 1);
        }

        if (type.IsValueType && type.IsDefined(typeof(System.Runtime.CompilerServices.IsReadOnlyAttribute), false))
        {
            foreach (var field in type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
            {
                if (!Decide(field.FieldType, depth + 1))
                {
                    return false;
                }
            }

            return true;
        }

        return false;
    }
}
