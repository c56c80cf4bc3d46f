namespace Marketplace.GrainInterfaces;

/// <summary>The <c>terms.json</c> file of a job's <see cref="ChainJobTerms"/>: indented, strict snake_case, bytes as
/// hex, every member required.</summary>
public static class ChainJobTermsJson
{
    /// <summary>The file's bytes.</summary>
    public static byte[] Serialize(ChainJobTerms terms)
    {
        ArgumentNullException.ThrowIfNull(terms);
        return System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(terms, ReceiptFileJson.Options);
    }

    /// <summary>Reads a terms file.</summary>
    /// <exception cref="ReceiptFormatException">Not a terms file (malformed JSON, a member missing or unknown, a
    /// signature that is not 65 bytes).</exception>
    public static ChainJobTerms Parse(ReadOnlySpan<byte> utf8Json)
    {
        var terms = ReceiptFileJson.Parse<ChainJobTerms>(utf8Json, "a terms file");
        if (terms.ClientSignature.Length != 65)
        {
            throw new ReceiptFormatException($"client_signature: {terms.ClientSignature.Length} bytes; a signature is 65");
        }

        return terms;
    }
}
