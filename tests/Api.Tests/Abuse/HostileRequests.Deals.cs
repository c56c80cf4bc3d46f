using System.Globalization;
using System.Text;

namespace Marketplace.Api.Tests.Abuse;

/// <content>The storage market's routes: hostile query numbers and ids on deal creation, hostile deal ids and ranges on
/// every deal route, other clients' deals, bodies that differ from their signed hash, and broken framing of deal
/// uploads.</content>
public sealed partial class HostileRequests
{
    /// <summary>The query parameters of a deal creation that take numbers.</summary>
    public static readonly string[] DealNumericParameters = ["k", "m", "max_price_per_gib_month", "duration_days"];

    /// <summary>The category of requests that name another client's deal.</summary>
    public const string OtherDealCategory = "deals-other";

    private static readonly string[] DealPresets = ["dev", "standard", "archive", "DEV", "", " dev", "dev%00", "..", "%F0%9F%92%A9", "standard&preset=dev"];

    private RawExchange Deals(Random random)
    {
        var deal = random.Next(4) switch
        {
            0 => targets.DealId,
            1 => targets.OtherDealId,
            2 => "fuzz-deal-" + random.Next(20).ToString(CultureInfo.InvariantCulture),
            _ => HostileId(random),
        };
        var exchange = random.Next(14) switch
        {
            0 => DealPost(random, $"{Pick(random, DealNumericParameters)}={Uri.EscapeDataString(Pick(random, HostileNumbers))}"),
            1 => DealPost(random, $"k={Uri.EscapeDataString(Pick(random, HostileNumbers))}&m={Uri.EscapeDataString(Pick(random, HostileNumbers))}"),
            2 => DealPost(random, $"preset={Pick(random, DealPresets)}{(random.Next(2) == 0 ? "&k=2&m=1" : "")}"),
            3 => DealPost(random, $"preset=dev&deal_id={deal}"),
            4 => DealPost(random, $"preset=dev&blob_id={(random.Next(2) == 0 ? targets.BlobId : HostileId(random))}&deal_id={deal}", body: random.Next(2) == 0 ? [] : null),
            5 => DealPost(random, string.Join('&', Enumerable.Range(0, random.Next(2, 200)).Select(i => $"{Pick(random, DealNumericParameters)}={i}"))),
            6 => Request("deals", "GET", $"/v1/deals?limit={Uri.EscapeDataString(Pick(random, HostileNumbers).Trim('"'))}", Key(), null, null, false),
            7 => Request("deals", random.Next(2) == 0 ? "GET" : "DELETE", $"/v1/deals/{deal}", Key(), null, null, false),
            8 => random.Next(3) == 0
                ? Request("deals", "HEAD", $"/v1/deals/{deal}/content", Key() + DealRange(random), null, null, true)
                : Request("deals", "GET", $"/v1/deals/{deal}/content", Key() + DealRange(random), null, null, false),
            9 => Request("deals", "POST", $"/v1/deals/{deal}/audit", Key(), random.Next(2) == 0 ? null : RandomBytes(random), null, false),
            10 => TamperedDeal(random),
            11 => Request("deals", Pick(random, new[] { "PUT", "PATCH", "OPTIONS" }), $"/v1/deals/{deal}", Key(), null, null, false),
            12 => DealFraming(random),
            _ => Request("deals", "POST", "/v1/deals", Key(), [], "application/octet-stream", false),
        };

        // Requests that name another client's deal are told apart: they must find nothing (AbuseTests checks).
        return Encoding.Latin1.GetString(exchange.Bytes).Contains(targets.OtherDealId, StringComparison.Ordinal) ? exchange with { Category = OtherDealCategory } : exchange;
    }

    /// <summary>A deal creation with <paramref name="query"/>, of a small random body unless <paramref name="body"/>
    /// is given.</summary>
    private RawExchange DealPost(Random random, string query, byte[]? body = null)
    {
        if (body is null)
        {
            body = new byte[random.Next(1, 4096)];
            random.NextBytes(body);
        }

        return Request("deals", "POST", "/v1/deals?" + query, Key(), body, random.Next(3) == 0 ? "text/plain" : "application/octet-stream", false);
    }

    // A deal upload signed for one body (of the declared hash) and sent with another of the same length: refused,
    // never stored with the bytes that were not signed.
    private RawExchange TamperedDeal(Random random)
    {
        var signedBody = Encoding.UTF8.GetBytes("the signed deal bytes " + RandomHex(random, 16));
        var sent = (byte[])signedBody.Clone();
        sent[random.Next(sent.Length)] ^= (byte)random.Next(1, 256);
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var nonce = RandomHex(random, 32);
        var path = "/v1/deals?preset=dev&deal_id=fuzz-signed-" + random.Next(20).ToString(CultureInfo.InvariantCulture);
        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(signedBody));
        const string ContentType = "application/octet-stream";
        var toSign = Marketplace.GrainInterfaces.Http.RequestSignature.StringToSign("POST", path, now, nonce, hash, ContentType, "", ApiSiloFixture.FuzzSigningKeyId);
        var signature = Convert.ToHexStringLower(Marketplace.GrainInterfaces.Http.RequestSignature.Sign(ApiSiloFixture.FuzzSigningSecret, toSign));
        var headers = $"Marketplace-Key-Id: {ApiSiloFixture.FuzzSigningKeyId}\r\nMarketplace-Timestamp: {now.ToString(CultureInfo.InvariantCulture)}\r\nMarketplace-Nonce: {nonce}\r\nMarketplace-Content-SHA256: {hash}\r\nMarketplace-Signature: {signature}\r\n";
        return Request("deals", "POST", path, Key() + headers, sent, ContentType, false);
    }

    private RawExchange DealFraming(Random random)
    {
        var head = random.Next(4) switch
        {
            // Declares more than it sends, then half-closes: the upload ends without the rest.
            0 => $"POST /v1/deals?preset=dev HTTP/1.1\r\nHost: 127.0.0.1\r\n{Key()}Content-Length: {random.Next(5000, 100_000)}\r\nConnection: close\r\n\r\n{RandomText(random, random.Next(1, 2000))}",
            // Declares a length no deal may have.
            1 => $"POST /v1/deals?preset=dev HTTP/1.1\r\nHost: 127.0.0.1\r\n{Key()}Content-Length: {Pick(random, new[] { "9223372036854775807", "99999999999", "1099511627776" })}\r\nConnection: close\r\n\r\nabc",
            // Chunked with broken chunk sizes.
            2 => $"POST /v1/deals?preset=dev HTTP/1.1\r\nHost: 127.0.0.1\r\n{Key()}Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n{Pick(random, new[] { "zz", "-1", "ffffffffffffffffffff", "5" })}\r\nabcdefghij\r\n0\r\n\r\n",
            // Chunked and well formed: a deal of unknown length.
            _ => $"POST /v1/deals?preset=dev HTTP/1.1\r\nHost: 127.0.0.1\r\n{Key()}Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\nabcde\r\n0\r\n\r\n",
        };
        var ending = head.Contains("Content-Length: ", StringComparison.Ordinal) && !head.EndsWith("abc", StringComparison.Ordinal) ? RawEnding.HalfCloseThenRead : RawEnding.ReadToClose;
        return new RawExchange("deals", Encoding.Latin1.GetBytes(head), ending, 0, ending == RawEnding.ReadToClose ? 1 : 0, false);
    }

    private static string DealRange(Random random) => random.Next(3) == 0
        ? $"Range: bytes={Pick(random, new[] { "0-0", "5-1", "-0", "0-", "a-b", "0-1,2-3", "99999999999999999999-", "-99999999999999999999", "4294967296-4294967300" })}\r\n"
        : "";
}
