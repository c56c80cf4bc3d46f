namespace Marketplace.GrainInterfaces;

/// <summary>
/// The JSON form of an <see cref="AggregatedReceipt"/>, as <c>GET /v1/jobs/{id}/receipt</c> answers it for a job a
/// committee settled (<c>kind: "aggregated"</c>): <c>kind</c>, <c>receipt</c> (the same object as in the executor form),
/// <c>receipt_hash</c>, <c>members</c> (<c>worker_id</c>, <c>public_key</c>, <c>role</c>), <c>signer_bitmap</c>,
/// <c>aggregate_signature</c>, <c>threshold</c>, <c>registry_epoch</c> and <c>draw_seed</c>; bytes as lowercase hex,
/// roles as snake_case strings. Reading is strict like <see cref="ReceiptJson"/>: UTF-8 only, no duplicate, unknown or
/// missing members, and every receipt field canonical.
/// </summary>
public static class AggregatedReceiptJson
{
    /// <summary><paramref name="aggregated"/> as indented JSON (UTF-8 bytes).</summary>
    public static byte[] Serialize(AggregatedReceipt aggregated)
    {
        ArgumentNullException.ThrowIfNull(aggregated);
        return System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(aggregated, ReceiptFileJson.Options);
    }

    /// <summary>The aggregated receipt in <paramref name="utf8Json"/>. Throws <see cref="ReceiptFormatException"/> for
    /// anything but one JSON object of that shape with canonical receipt fields. Hashes, members and signatures are
    /// not checked here: that is <see cref="AggregatedReceiptVerifier"/>'s work.</summary>
    public static AggregatedReceipt Parse(ReadOnlySpan<byte> utf8Json)
    {
        var aggregated = ReceiptFileJson.Parse<AggregatedReceipt>(utf8Json, "an aggregated receipt file");
        if (aggregated.Kind is null || aggregated.Receipt is null || aggregated.ReceiptHash is null || aggregated.Members is null
            || aggregated.SignerBitmap is null || aggregated.AggregateSignature is null || aggregated.DrawSeed is null)
        {
            throw new ReceiptFormatException("not an aggregated receipt file: a member is null");
        }

        foreach (var member in aggregated.Members)
        {
            if (member is null || member.WorkerId is null || member.PublicKey is null)
            {
                throw new ReceiptFormatException("not an aggregated receipt file: a member of members is null");
            }
        }

        if (!string.Equals(aggregated.Kind, AggregatedReceipt.AggregatedKind, StringComparison.Ordinal))
        {
            throw new ReceiptFormatException($"not an aggregated receipt file: kind is '{aggregated.Kind}', not '{AggregatedReceipt.AggregatedKind}'");
        }

        if (aggregated.SignerBitmap.Length != (aggregated.Members.Count + 7) / 8)
        {
            throw new ReceiptFormatException($"signer_bitmap: {aggregated.SignerBitmap.Length} bytes for {aggregated.Members.Count} members, {(aggregated.Members.Count + 7) / 8} expected");
        }

        ReceiptCodec.Validate(aggregated.Receipt);
        return aggregated;
    }

    /// <summary>The <c>kind</c> member of a receipt file (<c>executor</c> or <c>aggregated</c>), read before the rest
    /// so a reader knows which parser to use; null when the bytes are not a JSON object with a string <c>kind</c>.</summary>
    public static string? ReadKind(ReadOnlySpan<byte> utf8Json) => ReceiptFileJson.KindOf(utf8Json);
}
