using System.Text.Json;

namespace Marketplace.GrainInterfaces;

/// <summary>
/// The JSON form of a <see cref="DoubleSignEvidence"/> (<c>evidence.json</c>, the body of <c>POST /v1/evidence</c>):
/// <c>kind</c> (<c>double_sign</c>), <c>public_key</c>, and <c>first</c> and <c>second</c>, each with
/// <c>receipt</c> (the receipt object of the receipt file), <c>receipt_hash</c> and <c>signature</c>; bytes as
/// lowercase hex. Reading is strict like <see cref="ReceiptJson"/>.
/// </summary>
public static class DoubleSignEvidenceJson
{
    /// <summary><paramref name="evidence"/> as indented JSON (UTF-8 bytes).</summary>
    public static byte[] Serialize(DoubleSignEvidence evidence)
    {
        ArgumentNullException.ThrowIfNull(evidence);
        return JsonSerializer.SerializeToUtf8Bytes(evidence, ReceiptFileJson.Options);
    }

    /// <summary>The evidence in <paramref name="utf8Json"/>. Throws <see cref="ReceiptFormatException"/> for anything
    /// but one JSON object of that shape with canonical receipt fields; signatures are
    /// <see cref="DoubleSignEvidenceVerifier"/>'s work.</summary>
    public static DoubleSignEvidence Parse(ReadOnlySpan<byte> utf8Json)
    {
        var evidence = ReceiptFileJson.Parse<DoubleSignEvidence>(utf8Json, "a double-sign evidence file");
        if (evidence.Kind is null || evidence.PublicKey is null || evidence.First is null || evidence.Second is null)
        {
            throw new ReceiptFormatException("not a double-sign evidence file: a member is null");
        }

        foreach (var half in (ReadOnlySpan<ConflictingSignature>)[evidence.First, evidence.Second])
        {
            if (half.Receipt is null || half.ReceiptHash is null || half.Signature is null)
            {
                throw new ReceiptFormatException("not a double-sign evidence file: a member of first or second is null");
            }

            ReceiptCodec.Validate(half.Receipt);
        }

        return evidence;
    }
}
