namespace Marketplace.GrainInterfaces;

/// <summary>
/// The JSON form of a <see cref="JobHistory"/>, as <c>GET /v1/jobs/{id}/history</c> answers it and
/// <c>marketplace history --job ID --out FILE</c> writes it: snake_case members, hashes as lowercase hex, times in ISO
/// 8601 to the tick. Reading is strict like the receipt files': every member required, none unknown or repeated.
/// </summary>
public static class JobHistoryJson
{
    /// <summary><paramref name="history"/> as indented JSON (UTF-8 bytes).</summary>
    public static byte[] Serialize(JobHistory history)
    {
        ArgumentNullException.ThrowIfNull(history);
        return System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(history, ReceiptFileJson.Options);
    }

    /// <summary>The history in <paramref name="utf8Json"/>. Throws <see cref="ReceiptFormatException"/> for anything
    /// but one JSON object of the history's shape; the chain is <see cref="JobHistoryChain.Verify"/>'s work.</summary>
    public static JobHistory Parse(ReadOnlySpan<byte> utf8Json) => ReceiptFileJson.Parse<JobHistory>(utf8Json, "a job history file");
}
