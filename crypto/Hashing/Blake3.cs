// Design note: BLAKE3 (unkeyed hash mode, 32-byte default output, extendable output) written from the spec.
// The one-shot methods run on a stack-held state and allocate nothing; inputs of one chunk (<= 1024 bytes, the
// common case: hashes of keys, values and Merkle nodes) skip the subtree stack entirely. The incremental form
// wraps the same state in an object. Keyed hashing and key derivation are not provided (nothing here needs them).

using System.Runtime.CompilerServices;
using C = Marketplace.Crypto.Hashing.Blake3Compression;

namespace Marketplace.Crypto.Hashing;

/// <summary>BLAKE3 hashing: one-shot (<see cref="Hash(ReadOnlySpan{byte})"/>) or incremental
/// (<see cref="Append"/> then <see cref="GetHash(Span{byte})"/>), any input length, any output length.</summary>
/// <example>
/// <code>
/// byte[] digest = Blake3.Hash("abc"u8);
/// var hasher = new Blake3();
/// hasher.Append("a"u8);
/// hasher.Append("bc"u8);
/// byte[] same = hasher.GetHash();
/// </code>
/// </example>
public sealed class Blake3
{
    /// <summary>Default digest length in bytes.</summary>
    public const int HashSize = 32;

    private Blake3State _state;

    /// <summary>Creates an incremental hasher.</summary>
    public Blake3()
    {
        _state.Initialize();
    }

    /// <summary>Hashes <paramref name="data"/> and returns the 32-byte digest.</summary>
    public static byte[] Hash(ReadOnlySpan<byte> data)
    {
        var digest = new byte[HashSize];
        Hash(data, digest);
        return digest;
    }

    /// <summary>Hashes <paramref name="data"/> into the first 32 bytes of <paramref name="destination"/> without
    /// allocating.</summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than 32 bytes.</exception>
    [SkipLocalsInit]
    public static void Hash(ReadOnlySpan<byte> data, Span<byte> destination)
    {
        if (destination.Length < HashSize)
        {
            throw new ArgumentException(
                $"BLAKE3 destination must hold {HashSize} bytes, got {destination.Length}.", nameof(destination));
        }

        if (data.Length <= C.ChunkLength)
        {
            HashOneChunk(data, destination[..HashSize]);
            return;
        }

        Blake3State state = default;
        state.Initialize();
        state.Update(data);
        state.Finalize(destination[..HashSize]);
    }

    /// <summary>Hashes <paramref name="data"/> and fills all of <paramref name="destination"/> with extendable
    /// output (its first 32 bytes equal the default digest).</summary>
    [SkipLocalsInit]
    public static void HashExtended(ReadOnlySpan<byte> data, Span<byte> destination)
    {
        Blake3State state = default;
        state.Initialize();
        state.Update(data);
        state.Finalize(destination);
    }

    /// <summary>Adds <paramref name="data"/> to the input.</summary>
    public void Append(ReadOnlySpan<byte> data) => _state.Update(data);

    /// <summary>The 32-byte digest of everything appended so far (appending may continue).</summary>
    public byte[] GetHash()
    {
        var digest = new byte[HashSize];
        _state.Finalize(digest);
        return digest;
    }

    /// <summary>Fills <paramref name="destination"/> with output of everything appended so far (32 bytes give the
    /// digest; longer is extendable output). Appending may continue.</summary>
    public void GetHash(Span<byte> destination) => _state.Finalize(destination);

    /// <summary>Starts over with empty input.</summary>
    public void Reset() => _state.Initialize();

    [SkipLocalsInit]
    private static void HashOneChunk(ReadOnlySpan<byte> data, Span<byte> destination)
    {
        Span<uint> cv = stackalloc uint[8];
        C.LoadIv(cv);
        var flags = C.ChunkStart;
        while (data.Length > C.BlockLength)
        {
            C.Compress(cv, data[..C.BlockLength], 0, C.BlockLength, flags, cv);
            flags = 0;
            data = data[C.BlockLength..];
        }

        Span<byte> last = stackalloc byte[C.BlockLength];
        last.Clear();
        data.CopyTo(last);
        Blake3State.WriteRootOutput(cv, last, (uint)data.Length, flags | C.ChunkEnd, destination);
    }
}
