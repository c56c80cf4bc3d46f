// Design: Kestrel reports most framing errors of a request body (bad chunk size, truncated body, body over the limit)
// as BadHttpRequestException, but some as a plain IOException (a chunk size that overflows is "Bad chunk size data."
// wrapping an OverflowException). A read failure of the request body is always the client's framing, never the
// server's, so this wrapper turns every IOException from a body read into a BadHttpRequestException with status 400
// (keeping Kestrel's own status when it gave one); ProblemMiddleware maps those to problem codes.
namespace Marketplace.Silo.Api;

/// <summary>A request body whose read failures are <see cref="BadHttpRequestException"/>s.</summary>
internal sealed class RequestBodyGuard(Stream inner) : ReadOnlyBodyStream
{
    public override int Read(byte[] buffer, int offset, int count)
    {
        try
        {
            return inner.Read(buffer, offset, count);
        }
        catch (IOException failure) when (failure is not BadHttpRequestException)
        {
            throw Framing(failure);
        }
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        try
        {
            return await inner.ReadAsync(buffer, cancellationToken);
        }
        catch (IOException failure) when (failure is not BadHttpRequestException)
        {
            throw Framing(failure);
        }
    }

    private static BadHttpRequestException Framing(IOException failure) =>
        new(failure.Message, StatusCodes.Status400BadRequest, failure);
}
