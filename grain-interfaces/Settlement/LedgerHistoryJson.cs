namespace Marketplace.GrainInterfaces;

/// <summary>
/// The JSON form of a <see cref="LedgerHistory"/>, as <c>marketplace history --ledger --out FILE</c> writes it:
/// snake_case members, hashes as lowercase hex, amounts as JSON integers, times in ISO 8601 to the tick. Reading is
/// strict like the receipt files': every member required, none unknown or repeated.
/// </summary>
public static class LedgerHistoryJson
{
    /// <summary><paramref name="history"/> as indented JSON (UTF-8 bytes).</summary>
    public static byte[] Serialize(LedgerHistory history)
    {
        ArgumentNullException.ThrowIfNull(history);
        return System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(history, ReceiptFileJson.Options);
    }

    /// <summary>The history in <paramref name="utf8Json"/>. Throws <see cref="ReceiptFormatException"/> for anything
    /// but one JSON object of the history's shape; the chain is <see cref="LedgerHistoryChain.Verify"/>'s work.</summary>
    public static LedgerHistory Parse(ReadOnlySpan<byte> utf8Json) => ReceiptFileJson.Parse<LedgerHistory>(utf8Json, "a ledger history file");
}
