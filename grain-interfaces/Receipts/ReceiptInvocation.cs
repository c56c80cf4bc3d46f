using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Marketplace.GrainInterfaces;

/// <summary>
/// The invocation hash of a receipt: what a WASI program sees of its job besides the input (arguments, environment
/// and the logical clock's start), hashed so the receipt stays small and names them exactly. An ONVM program sees
/// none of them, so its receipts carry <see cref="None"/>.
/// </summary>
/// <remarks>
/// SHA-256 over: ASCII <c>marketplace/wasi-invocation/v1</c>; the argument count (u32 big-endian), then each
/// argument (u32 length, UTF-8); the environment's entry count (u32), then each entry in ordinal order of its key
/// (u32 key length, key UTF-8, u32 value length, value UTF-8); the start of <c>CLOCK_REALTIME</c> as Unix
/// nanoseconds (u64). <c>random_get</c> is seeded with the job id, which the receipt names itself.
/// </remarks>
public static class ReceiptInvocation
{
    private static ReadOnlySpan<byte> Tag => "marketplace/wasi-invocation/v1"u8;

    /// <summary>The invocation hash of an ONVM run: 32 zero bytes.</summary>
    public static byte[] None => new byte[ReceiptCodec.HashBytes];

    /// <summary>The invocation hash of a WASI run with <paramref name="args"/> (<c>argv[1..]</c>),
    /// <paramref name="env"/> and the clock starting at <paramref name="startTime"/> (null: the Unix epoch).</summary>
    public static byte[] Hash(IReadOnlyList<string> args, IReadOnlyDictionary<string, string> env, DateTimeOffset? startTime)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(env);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> number = stackalloc byte[8];
        hash.AppendData(Tag);
        BinaryPrimitives.WriteUInt32BigEndian(number, (uint)args.Count);
        hash.AppendData(number[..4]);
        foreach (var arg in args)
        {
            AppendString(hash, arg);
        }

        var keys = env.Keys.ToArray();
        Array.Sort(keys, StringComparer.Ordinal);
        BinaryPrimitives.WriteUInt32BigEndian(number, (uint)keys.Length);
        hash.AppendData(number[..4]);
        foreach (var key in keys)
        {
            AppendString(hash, key);
            AppendString(hash, env[key]);
        }

        var nanoseconds = (ulong)((startTime ?? DateTimeOffset.UnixEpoch) - DateTimeOffset.UnixEpoch).Ticks * 100;
        BinaryPrimitives.WriteUInt64BigEndian(number, nanoseconds);
        hash.AppendData(number);
        return hash.GetHashAndReset();
    }

    private static void AppendString(IncrementalHash hash, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(length, (uint)bytes.Length);
        hash.AppendData(length);
        hash.AppendData(bytes);
    }
}
