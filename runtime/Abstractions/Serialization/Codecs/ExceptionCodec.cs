using Marketplace.Runtime.Storage;

namespace Marketplace.Runtime.Serialization.Codecs;

/// <summary>
/// Exceptions travel as type name, message, stack trace and inner exception. Known types (common BCL exceptions, the
/// runtime's own, and types registered with <see cref="ExceptionCodec.Register"/>) are rebuilt with their type and
/// message; anything else becomes a <see cref="RemoteGrainException"/> that keeps the original type name and message.
/// </summary>
internal sealed class ExceptionCodec<T> : IFieldCodec<T>
    where T : Exception?
{
    public void WriteField(CodecWriter writer, uint fieldId, T value)
    {
        if (value is null)
        {
            writer.WriteFieldHeader(fieldId, WireType.Null);
            return;
        }

        writer.WriteFieldHeader(fieldId, WireType.Object);
        var start = writer.BeginObject();
        ExceptionCodec.WriteContent(writer, value);
        writer.EndObject(start);
    }

    public T ReadValue(CodecReader reader, WireType wireType)
    {
        if (wireType == WireType.Null)
        {
            return default!;
        }

        if (wireType != WireType.Object)
        {
            throw CodecReader.UnexpectedWireType(typeof(T), wireType);
        }

        var end = reader.ReadObjectEnd();
        var exception = ExceptionCodec.ReadContent(reader, end);
        return exception as T ?? throw new GrainSerializationException(
            $"Expected an exception of type {typeof(T)}, got {exception.GetType()}: {exception.Message}");
    }
}

/// <summary>The registry of exception types that can be rebuilt with their real type after crossing the wire.</summary>
public static class ExceptionCodec
{
    private static readonly Dictionary<string, Func<string, Exception>> Factories = new(StringComparer.Ordinal)
    {
        [typeof(Exception).FullName!] = m => new Exception(m),
        [typeof(ArgumentException).FullName!] = m => new ArgumentException(m),
        [typeof(ArgumentNullException).FullName!] = m => new ArgumentNullException(null, m),
        [typeof(ArgumentOutOfRangeException).FullName!] = m => new ArgumentOutOfRangeException(null, m),
        [typeof(InvalidOperationException).FullName!] = m => new InvalidOperationException(m),
        [typeof(NotSupportedException).FullName!] = m => new NotSupportedException(m),
        [typeof(NotImplementedException).FullName!] = m => new NotImplementedException(m),
        [typeof(KeyNotFoundException).FullName!] = m => new KeyNotFoundException(m),
        [typeof(FormatException).FullName!] = m => new FormatException(m),
        [typeof(TimeoutException).FullName!] = m => new TimeoutException(m),
        [typeof(OperationCanceledException).FullName!] = m => new OperationCanceledException(m),
        [typeof(TaskCanceledException).FullName!] = m => new TaskCanceledException(m),
        [typeof(DivideByZeroException).FullName!] = m => new DivideByZeroException(m),
        [typeof(OverflowException).FullName!] = m => new OverflowException(m),
        [typeof(NullReferenceException).FullName!] = m => new NullReferenceException(m),
        [typeof(UnauthorizedAccessException).FullName!] = m => new UnauthorizedAccessException(m),
        [typeof(IndexOutOfRangeException).FullName!] = m => new IndexOutOfRangeException(m),
        [typeof(ObjectDisposedException).FullName!] = m => new ObjectDisposedException(null, m),
        [typeof(GrainRuntimeException).FullName!] = m => new GrainRuntimeException(m),
        [typeof(DeadlockException).FullName!] = m => new DeadlockException(m),
        [typeof(GrainSerializationException).FullName!] = m => new GrainSerializationException(m),
        [typeof(GrainTypeNotFoundException).FullName!] = m => new GrainTypeNotFoundException(m),
        [typeof(SiloUnavailableException).FullName!] = m => new SiloUnavailableException(m),
        [typeof(InconsistentStateException).FullName!] = m => new InconsistentStateException(m),
    };

    private static readonly Lock Gate = new();

    /// <summary>Registers an exception type to be rebuilt from its message (generated for [GenerateSerializer] exceptions).</summary>
    public static void Register<TException>(Func<string, TException> factory)
        where TException : Exception
    {
        ArgumentNullException.ThrowIfNull(factory);
        lock (Gate)
        {
            Factories[typeof(TException).FullName!] = factory;
        }
    }

    internal static void WriteContent(CodecWriter writer, Exception value)
    {
        var (typeName, message) = value is RemoteGrainException remote
            ? (remote.OriginalTypeName, remote.OriginalMessage)
            : (value.GetType().FullName ?? value.GetType().Name, value.Message);
        writer.WriteFieldHeader(0, WireType.LengthPrefixed);
        writer.WriteString(typeName);
        writer.WriteFieldHeader(1, WireType.LengthPrefixed);
        writer.WriteString(message);
        var stack = value is RemoteGrainException r ? r.RemoteStackTrace : value.StackTrace;
        if (stack is not null)
        {
            writer.WriteFieldHeader(2, WireType.LengthPrefixed);
            writer.WriteString(stack);
        }

        if (value.InnerException is { } inner)
        {
            writer.WriteFieldHeader(3, WireType.Object);
            var start = writer.BeginObject();
            WriteContent(writer, inner);
            writer.EndObject(start);
        }
    }

    internal static Exception ReadContent(CodecReader reader, int end)
    {
        string typeName = "System.Exception", message = string.Empty;
        string? stack = null;
        while (reader.TryReadFieldHeader(end, out var id, out var wt))
        {
            switch (id)
            {
                case 0 when wt == WireType.LengthPrefixed: typeName = reader.ReadString(); break;
                case 1 when wt == WireType.LengthPrefixed: message = reader.ReadString(); break;
                case 2 when wt == WireType.LengthPrefixed: stack = reader.ReadString(); break;
                case 3 when wt == WireType.Object:
                    var innerEnd = reader.ReadObjectEnd();
                    ReadContent(reader, innerEnd);
                    break;
                default: reader.Skip(wt); break;
            }
        }

        reader.Position = end;
        Func<string, Exception>? factory;
        lock (Gate)
        {
            Factories.TryGetValue(typeName, out factory);
        }

        return factory?.Invoke(message) ?? new RemoteGrainException(typeName, message, stack);
    }
}
