using Marketplace.Runtime.Serialization;

namespace Marketplace.Runtime.Invocation;

/// <summary>The outcome of a call: a result or an exception.</summary>
/// <remarks>Wire form (inside a message body): field 0 = result, or field 1 = exception.</remarks>
public abstract class Response
{
    /// <summary>The response of a successful call without result.</summary>
    public static Response Completed { get; } = new Response<object?>(null);

    /// <summary>The result, boxed (null for exceptions and void calls).</summary>
    public abstract object? Result { get; }

    /// <summary>The exception, when the call failed.</summary>
    public virtual Exception? Exception => null;

    /// <summary>A failed response.</summary>
    public static Response FromException(Exception exception) => new ExceptionResponse(exception);

    /// <summary>Writes the response fields.</summary>
    public abstract void WriteTo(CodecWriter writer);

    /// <summary>Reads a response of result type <typeparamref name="T"/> written by <see cref="WriteTo"/>.</summary>
    public static Response ReadFrom<T>(CodecReader reader, int end)
    {
        ArgumentNullException.ThrowIfNull(reader);
        Response? response = null;
        while (reader.TryReadFieldHeader(end, out var id, out var wt))
        {
            switch (id)
            {
                case 0:
                    response = new Response<T>(CodecRegistry.Get<T>().ReadValue(reader, wt));
                    break;
                case 1:
                    response = new ExceptionResponse(CodecRegistry.Get<Exception>().ReadValue(reader, wt));
                    break;
                default:
                    reader.Skip(wt);
                    break;
            }
        }

        return response ?? new Response<T>(default!);
    }
}

/// <summary>A successful response.</summary>
/// <typeparam name="T">The result type.</typeparam>
public sealed class Response<T>(T value) : Response
{
    /// <summary>The result.</summary>
    public T Value { get; } = value;

    /// <inheritdoc />
    public override object? Result => Value;

    /// <inheritdoc />
    public override void WriteTo(CodecWriter writer)
    {
        if (typeof(T) != typeof(object) || Value is not null)
        {
            CodecRegistry.Get<T>().WriteField(writer, 0, Value);
        }
    }
}

/// <summary>A failed response.</summary>
public sealed class ExceptionResponse(Exception exception) : Response
{
    /// <inheritdoc />
    public override object? Result => null;

    /// <inheritdoc />
    public override Exception Exception { get; } = exception;

    /// <inheritdoc />
    public override void WriteTo(CodecWriter writer) => CodecRegistry.Get<Exception>().WriteField(writer, 1, Exception);
}
