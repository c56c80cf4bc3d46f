using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Marketplace.GrainInterfaces;

/// <summary>What the job and ledger history chains share: length-prefixed text in a hash, and the closing check of
/// the stated head and of a head seen before.</summary>
internal static class HistoryChainParts
{
    /// <summary>Appends u32 big-endian byte length ‖ UTF-8 <paramref name="text"/>.</summary>
    public static void AppendText(IncrementalHash hash, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, bytes.Length);
        hash.AppendData(length);
        hash.AppendData(bytes);
    }

    /// <summary>The verdict once every item checked: <paramref name="head"/> must be <paramref name="last"/>, the
    /// last item's hash, and <paramref name="seen"/> says whether the head seen before was met.</summary>
    public static HistoryVerification Conclude(byte[] last, byte[]? head, bool seen, ReadOnlySpan<byte> seenHead, string item, string items)
    {
        if (head is null || !last.AsSpan().SequenceEqual(head))
        {
            return new(HistoryFailure.WrongHead, $"head {Convert.ToHexStringLower(head ?? [])} is not the last {item}'s hash {Convert.ToHexStringLower(last)}");
        }

        return seen
            ? HistoryVerification.Valid
            : new(HistoryFailure.SeenHeadMissing, $"the head seen before, {Convert.ToHexStringLower(seenHead)}, is none of the {items}' hashes: this history does not extend it");
    }
}
