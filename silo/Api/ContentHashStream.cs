using System.Security.Cryptography;

namespace Marketplace.Silo.Api;

/// <summary>A request body that hashes what is read through it and, at its end, fails the read with
/// <c>content_hash_mismatch</c> unless the SHA-256 equals the signed one: a streamed upload never completes with
/// bytes the client did not sign. With a declared length the check runs as the last declared byte is read, before
/// that read returns, so a reader that stops at Content-Length (a storage deal does) never sees the end of the stream
/// and still never receives a tampered body whole.</summary>
internal sealed class ContentHashStream(Stream inner, byte[] expected, long? declaredLength = null) : ReadOnlyBodyStream
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private long _read;
    private bool _checked;

    public override int Read(byte[] buffer, int offset, int count) => Account(inner.Read(buffer, offset, count), buffer.AsSpan(offset));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Account(await inner.ReadAsync(buffer, cancellationToken), buffer.Span);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _hash.Dispose();
        }

        base.Dispose(disposing);
    }

    private int Account(int read, Span<byte> buffer)
    {
        if (read > 0)
        {
            _hash.AppendData(buffer[..read]);
            _read += read;
            if (_read >= declaredLength)
            {
                Check();
            }

            return read;
        }

        Check();
        return 0;
    }

    private void Check()
    {
        if (!_checked)
        {
            _checked = true;
            if (!CryptographicOperations.FixedTimeEquals(_hash.GetHashAndReset(), expected))
            {
                throw RequestSignatureVerifier.ContentHashMismatch();
            }
        }
    }
}
