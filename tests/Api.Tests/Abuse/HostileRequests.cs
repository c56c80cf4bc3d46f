using System.Globalization;
using System.Text;

namespace Marketplace.Api.Tests.Abuse;

/// <summary>Real resources of the silo under attack, so some requests reach the grains with ids that exist.</summary>
public sealed record AbuseTargets(string ApiKey, string OtherKey, string BlobId, string JobId, string ProgramId, string ProgramName, string WorkerId, string DealId, string OtherDealId);

/// <summary>
/// Generates hostile requests as raw bytes: request number <c>i</c> depends only on the seed and <c>i</c>, so a run is
/// reproducible whatever the concurrency. The first requests walk every numeric field of the job and deploy bodies
/// through every hostile number; the rest are drawn at random from the categories.
/// </summary>
public sealed partial class HostileRequests(int seed, AbuseTargets targets)
{
    /// <summary>Numbers no numeric field accepts whole (or at all): the limits of long and double, 2^53, fractions.</summary>
    public static readonly string[] HostileNumbers =
    [
        "9223372036854775807", "9223372036854775808", "-9223372036854775808", "-9223372036854775809",
        "9007199254740992", "9007199254740993", "-9007199254740993", "2147483648", "4294967296", "-1", "1.5", "1e308",
        "-1e308", "1E2", "-0", "0.0", "1" + new string('0', 400), "\"5\"", "true", "null", "[]", "{}", "[9223372036854775807]",
    ];

    /// <summary>The numeric fields of a job submission, by wire name.</summary>
    public static readonly string[] JobNumericFields = ["max_fuel", "max_price_per_million_fuel", "timeout_ms", "max_retries", "ttl_ms", "max_memory_bytes"];

    /// <summary>The numeric fields of a program manifest, by wire name.</summary>
    public static readonly string[] ManifestNumericFields = ["max_fuel", "max_memory_bytes", "timeout_ms"];

    private static readonly string[] JobStringFields = ["program", "request_id", "input_blob_id", "input_base64"];
    private static readonly string[] JobObjectFields = ["labels", "constraints", "env"];
    private static readonly string[] WrongValues = ["1", "true", "false", "null", "[]", "{}", "[1,2]", "{\"a\":{}}", "\"\"", "-5", "\"x\"", "[null]", "{\"a\":null}"];
    private static readonly string[] Charsets = ["utf-16", "utf-16le", "UTF-32", "iso-8859-1", "latin1", "us-ascii", "utf-7", "\"utf-16\"", "bogus", "", "utf-8, utf-16"];

    private static readonly string[] Categories =
    [
        "json-job", "json-job", "json-job", "json-job", "json-deploy", "json-deploy", "json-share", "json-delegation", "ids", "ids", "ids", "auth", "auth", "signature", "signature",
        "framing", "framing", "framing", "framing", "blob-upload", "pipelined", "slow", "truncated", "reads", "deals", "deals",
    ];

    private int Systematic => (JobNumericFields.Length + ManifestNumericFields.Length) * HostileNumbers.Length;

    /// <summary>Request number <paramref name="index"/>.</summary>
    public RawExchange Create(int index)
    {
        var random = new Random(unchecked((seed * 1_000_003) + index));
        if (index < Systematic)
        {
            var number = HostileNumbers[index % HostileNumbers.Length];
            var field = index / HostileNumbers.Length;
            return field < JobNumericFields.Length
                ? JsonPost("json-number", "/v1/jobs", JobBody(random, $"\"{JobNumericFields[field]}\": {number}"), "application/json")
                : JsonPost("json-number", "/v1/programs", DeployBody(random, $"\"{ManifestNumericFields[field - JobNumericFields.Length]}\": {number}"), "application/json");
        }

        return Pick(random, Categories) switch
        {
            "json-job" => JsonJob(random),
            "json-deploy" => JsonDeploy(random),
            "json-share" => JsonShare(random),
            "json-delegation" => JsonDelegation(random),
            "ids" => Ids(random),
            "auth" => Auth(random),
            "signature" => Signature(random),
            "framing" => Framing(random),
            "blob-upload" => BlobUpload(random),
            "pipelined" => Pipelined(random),
            "slow" => Slow(random),
            "truncated" => Truncated(random),
            "deals" => Deals(random),
            _ => Reads(random),
        };
    }

    private RawExchange JsonJob(Random random)
    {
        var body = random.Next(12) switch
        {
            0 => JobBody(random, $"\"{Pick(random, JobNumericFields)}\": {Pick(random, HostileNumbers)}"),
            1 => JobBody(random, $"\"{Pick(random, JobStringFields)}\": {Pick(random, WrongValues)}"),
            2 => JobBody(random, $"\"{Pick(random, JobObjectFields)}\": {Pick(random, WrongValues)}"),
            3 => JobBody(random, $"\"{Pick(random, JobNumericFields)}\": 1, \"{Pick(random, JobNumericFields)}\": 2, \"program\": \"again\""),
            4 => JobBody(random, $"\"{UnknownName(random)}\": {Pick(random, WrongValues)}"),
            5 => JobBody(random, $"\"labels\": {{\"a\": \"1\", \"a\": \"2\"}}"),
            6 => JobBody(random, $"\"labels\": {Nested(random)}"),
            7 => Encoding.UTF8.GetBytes(Nested(random)),
            8 => Garbage(random),
            9 => JobBody(random, $"\"args\": [{string.Join(',', Enumerable.Range(0, random.Next(1, 80)).Select(_ => Pick(random, WrongValues)))}]"),
            10 => JobBody(random, $"\"input_base64\": \"{new string('A', random.Next(1, 8) * 4)}=\""),
            _ => JobBody(random, $"\"request_id\": \"{RandomText(random, random.Next(100, 300))}\""),
        };
        return JsonPost("json-job", "/v1/jobs", body, ContentType(random));
    }

    private RawExchange JsonDeploy(Random random)
    {
        var body = random.Next(8) switch
        {
            0 => DeployBody(random, $"\"{Pick(random, ManifestNumericFields)}\": {Pick(random, HostileNumbers)}"),
            1 => DeployBody(random, $"\"{Pick(random, new[] { "name", "version", "entrypoint", "salt" })}\": {Pick(random, WrongValues)}"),
            2 => DeployBody(random, $"\"{UnknownName(random)}\": 1"),
            3 => DeployBody(random, "\"name\": \"x\", \"name\": \"y\""),
            4 => Encoding.UTF8.GetBytes($"{{\"wasm_base64\": {Pick(random, WrongValues)}, \"manifest\": {{\"name\": \"n\", \"version\": \"1.0.0\"}}, \"signature_hex\": \"00\"}}"),
            5 => Encoding.UTF8.GetBytes($"{{\"wasm_base64\": \"AGFzbQEAAAA=\", \"manifest\": {{\"name\": \"n\", \"version\": \"1.0.0\"}}, \"signature_hex\": \"{RandomText(random, random.Next(0, 20))}\"}}"),
            6 => Encoding.UTF8.GetBytes($"{{\"wasm_base64\": \"AGFzbQEAAAA=\", \"manifest\": {Nested(random)}, \"signature_hex\": \"00\"}}"),
            _ => Garbage(random),
        };
        return JsonPost("json-deploy", "/v1/programs", body, ContentType(random));
    }

    // Share bodies (the one JSON body of the blob access endpoints): wrong types, unknown and duplicate members, hostile
    // client ids, nesting and garbage, aimed at the fuzzer's own blob (so some reach the grain) or at a hostile id.
    private RawExchange JsonShare(Random random)
    {
        var body = random.Next(9) switch
        {
            0 => Encoding.UTF8.GetBytes($"{{\"client_id\": {Pick(random, WrongValues)}}}"),
            1 => Encoding.UTF8.GetBytes($"{{\"client_id\": \"{HostileClientId(random)}\"}}"),
            2 => Encoding.UTF8.GetBytes($"{{\"client_id\": \"bob\", \"{UnknownName(random)}\": {Pick(random, WrongValues)}}}"),
            3 => Encoding.UTF8.GetBytes("{\"client_id\": \"a\", \"client_id\": \"b\"}"),
            4 => Encoding.UTF8.GetBytes("{}"),
            5 => Encoding.UTF8.GetBytes($"{{\"client_id\": {Nested(random)}}}"),
            6 => Garbage(random),
            7 => Encoding.UTF8.GetBytes($"{{\"client_id\": \"fuzz-{random.Next(50)}\"}}"),
            _ => Encoding.UTF8.GetBytes($"{{\"client_id\": {Pick(random, HostileNumbers)}}}"),
        };
        var blob = random.Next(3) == 0 ? HostileId(random) : targets.BlobId;
        return JsonPost("json-share", $"/v1/blobs/{blob}/share", body, ContentType(random));
    }

    private RawExchange JsonDelegation(Random random)
    {
        var signature = RandomHex(random, random.Next(0, 70) * 2);
        var body = random.Next(7) switch
        {
            0 => $"{{\"delegate\": \"0x{RandomHex(random, 40)}\", \"action\": \"grant\", \"nonce\": {Pick(random, HostileNumbers)}, \"signature_hex\": \"{signature}\"}}",
            1 => $"{{\"delegate\": {Pick(random, WrongValues)}, \"action\": \"revoke\", \"nonce\": 1, \"signature_hex\": \"{signature}\"}}",
            2 => $"{{\"delegate\": \"0x{RandomHex(random, 40)}\", \"action\": {Pick(random, new[] { "\"lend\"", "0", "1", "null", "\"GRANT\"" })}, \"nonce\": 1, \"signature_hex\": \"{signature}\"}}",
            3 => $"{{\"delegate\": \"0x{RandomHex(random, 40)}\", \"action\": \"grant\", \"nonce\": 1, \"signature_hex\": \"{signature}\", \"{Pick(random, new[] { "name", "signer", UnknownName(random) })}\": \"x\"}}",
            4 => $"{{\"delegate\": \"{RandomText(random, random.Next(0, 60)).Replace("\"", "", StringComparison.Ordinal).Replace("\\", "", StringComparison.Ordinal)}\", \"action\": \"grant\", \"nonce\": {random.Next(1, 5)}, \"signature_hex\": \"{signature}\", \"signer\": \"0x{RandomHex(random, 40)}\"}}",
            5 => Nested(random),
            _ => Encoding.UTF8.GetString(Garbage(random)),
        };
        var name = random.Next(3) == 0 ? HostileId(random) : targets.ProgramName;
        return JsonPost("json-delegation", $"/v1/programs/{name}/delegates", Encoding.UTF8.GetBytes(body), ContentType(random));
    }

    private RawExchange Ids(Random random)
    {
        var id = HostileId(random);
        var (method, path) = random.Next(22) switch
        {
            0 => ("GET", $"/v1/jobs/{id}"),
            1 => ("POST", $"/v1/jobs/{id}/cancel"),
            2 => ("GET", $"/v1/jobs/{id}/logs"),
            3 => (random.Next(2) == 0 ? "GET" : "HEAD", $"/v1/jobs/{id}/output"),
            4 => (random.Next(2) == 0 ? "GET" : "HEAD", $"/v1/blobs/{id}"),
            5 => ("GET", $"/v1/blobs/{id}/manifest"),
            6 => ("GET", $"/v1/blobs/{(random.Next(2) == 0 ? targets.BlobId : id)}/chunks/{HostileIndex(random)}/proof"),
            7 => ("GET", $"/v1/programs/{id}"),
            8 => ("GET", $"/v1/programs/{(random.Next(2) == 0 ? targets.ProgramName : id)}/state/proof?{HostileQuery(random)}"),
            9 => ("GET", $"/v1/workers/{id}"),
            10 => ("GET", $"/v1/jobs?status={HostileId(random)}&limit={Pick(random, HostileNumbers).Trim('"')}"),
            11 => ("GET", $"/v1/blobs/{id}/access"),
            12 => (random.Next(2) == 0 ? "POST" : "DELETE", $"/v1/blobs/{id}/publish"),
            13 => ("DELETE", $"/v1/blobs/{(random.Next(2) == 0 ? targets.BlobId : id)}/share/{Uri.EscapeDataString(HostileClientId(random))}"),
            14 => ("DELETE", $"/v1/blobs/{id}/share/{HostileId(random)}"),
            15 => ("POST", $"/v1/blobs/{id}/share"),
            16 => ("GET", $"/v1/{Pick(random, ListPaths())}{(random.Next(2) == 0 ? "?" : "?limit=2&")}cursor={HostileId(random)}"),
            17 => ("GET", $"/v1/{Pick(random, ListPaths())}?limit={Pick(random, HostileNumbers).Trim('"')}&cursor={Pick(random, new[] { "", "AQ", "AQhwcm9ncmFtcwA", "AQRqb2JzAgAAAAE1" })}"),
            18 => ("GET", $"/v1/programs/{id}/{Pick(random, new[] { "delegates", "versions" })}"),
            19 => ("DELETE", $"/v1/blobs/{(random.Next(4) == 0 ? targets.BlobId : id)}"),
            20 => ("GET", $"/v1/jobs/{(random.Next(4) == 0 ? targets.JobId : id)}/history"),
            _ => ("GET", $"/v1/{id}"),
        };
        var body = path.EndsWith("/share", StringComparison.Ordinal) ? Encoding.UTF8.GetBytes("{\"client_id\": \"bob\"}") : null;
        return Request("ids", method, path, Key(), body, body is null ? null : "application/json", method == "HEAD");
    }

    private RawExchange Auth(Random random)
    {
        var (method, path) = Pick(random, SecuredEndpoints());
        var header = random.Next(12) switch
        {
            0 => "",
            1 => "Authorization: Bearer wrong-key\r\n",
            2 => $"Authorization: Bearer {RandomText(random, random.Next(1000, 6000))}\r\n",
            3 => "Authorization: Basic YWxpY2U6cGFzc3dvcmQ=\r\n",
            4 => "Authorization: Bearer\r\n",
            5 => $"Authorization: bearer {targets.ApiKey}\r\n",
            6 => $"X-Api-Key: {targets.OtherKey}\r\n",
            7 => "X-Api-Key: \t \r\n",
            8 => $"Authorization: Bearer wrong\r\nX-Api-Key: {targets.ApiKey}\r\n",
            9 => $"Authorization: Bearer {targets.ApiKey}\r\nAuthorization: Bearer {targets.OtherKey}\r\n",
            10 => "Authorization: Bearer \u00e9\u00e8\r\n",
            _ => $"Authorization: Bearer {targets.ApiKey[..^1]}\r\n",
        };
        var body = method == "POST" ? Encoding.UTF8.GetBytes("{\"program\": \"fuzz-missing\"}") : null;
        return Request("auth", method, path, header, body, body is null ? null : "application/json", false);
    }

    // Signature headers: garbage, partial and duplicated sets, hostile values of each, and well-signed requests with
    // one thing wrong (body, path, key id, timestamp, a replayed nonce). Well-signed ones carry the current time:
    // the only part of a request not drawn from the seed.
    private RawExchange Signature(Random random)
    {
        var (method, path) = Pick(random, SecuredEndpoints());
        var body = method == "POST" ? Encoding.UTF8.GetBytes("{\"program\": \"fuzz-missing\"}") : null;
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var keyId = ApiSiloFixture.FuzzSigningKeyId;
        var nonce = RandomHex(random, 32);
        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(body ?? []));
        var contentType = body is null ? "" : "application/json";
        string Signed(string m, string p, long t, string n, string h, string k) =>
            Convert.ToHexStringLower(Marketplace.GrainInterfaces.Http.RequestSignature.Sign(ApiSiloFixture.FuzzSigningSecret, Marketplace.GrainInterfaces.Http.RequestSignature.StringToSign(m, p, t, n, h, contentType, "", k)));
        string Headers(string k, string t, string n, string h, string sig) =>
            $"Marketplace-Key-Id: {k}\r\nMarketplace-Timestamp: {t}\r\nMarketplace-Nonce: {n}\r\nMarketplace-Content-SHA256: {h}\r\nMarketplace-Signature: {sig}\r\n";
        string Valid(string m, string p, long t, string n) => Headers(keyId, t.ToString(CultureInfo.InvariantCulture), n, hash, Signed(m, p, t, n, hash, keyId));
        var ts = now.ToString(CultureInfo.InvariantCulture);
        var sig = RandomHex(random, 64);
        var variant = random.Next(15);
        if (variant == 14)
        {
            // A streamed upload signed for one body (of the declared hash), sent with another.
            contentType = "text/plain";
            return Request("signature", "POST", "/v1/blobs", Key() + Valid("POST", "/v1/blobs", now, nonce), Encoding.UTF8.GetBytes("not the signed bytes " + nonce), "text/plain", false);
        }

        var headers = variant switch
        {
            0 => Headers(RandomText(random, random.Next(0, 80)), RandomText(random, random.Next(0, 30)), RandomText(random, random.Next(0, 80)), RandomText(random, random.Next(0, 80)), RandomText(random, random.Next(0, 200))),
            1 => string.Concat(Headers(keyId, ts, nonce, hash, sig).Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Where(_ => random.Next(2) == 0).Select(h => h + "\r\n")),
            2 => Headers(Pick(random, new[] { "nobody", "", "a/b", new string('k', 65), "fuzz-k1 ", "FUZZ-K1", "\u00e9" }), ts, nonce, hash, Signed(method, path, now, nonce, hash, "nobody")),
            3 => Headers(keyId, ts, nonce, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("other"u8)), Signed(method, path, now, nonce, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("other"u8)), keyId)),
            4 => Headers(keyId, ts, nonce, hash, Signed(method, path + "?x=1", now, nonce, hash, keyId)),
            5 => Headers(keyId, Pick(random, new[] { "-1", "99999999999999999999", "9223372036854775807", "1e9", "", " ", "0x10", "1.5", "+1", "\u0661" }), nonce, hash, sig),
            6 => Headers(keyId, ts, Pick(random, new[] { "", "short", new string('n', 65), "has spaces in it ok", "n\u00f6nce-0123456789abcdef", "../../../../etc/passwd" }), hash, sig),
            7 => Headers(keyId, ts, nonce, Pick(random, new[] { "", RandomHex(random, 63), RandomHex(random, 65), new string('g', 64), hash.ToUpperInvariant() }), sig),
            8 => Headers(keyId, ts, nonce, hash, Pick(random, new[] { "", "zz", RandomHex(random, 62), new string('f', random.Next(1000, 6000)) })),
            9 => Headers(keyId, ts, nonce, hash, sig) + Headers(keyId, ts, nonce, hash, sig),
            10 => Valid(method, path, now, nonce),
            11 => Valid(method, path, now, "fuzz-replayed-nonce-" + method),
            12 => Valid(method, path, now - Pick(random, new[] { 301L, 86_400L, now }), nonce),
            13 => Valid(method, path, now + Pick(random, new[] { 301L, 86_400L, long.MaxValue / 2 - now }), nonce),
            _ => Valid(method, path, now, nonce),
        };

        return Request("signature", method, path, Key() + headers, body, body is null ? null : "application/json", method == "HEAD");
    }

    private RawExchange Framing(Random random)
    {
        var key = Key();
        var host = "Host: 127.0.0.1\r\n";
        var head = random.Next(27) switch
        {
            0 => $"GET /v1/health HTTP/1.1\r\n{host}X-Big: {new string('a', random.Next(33_000, 60_000))}\r\nConnection: close\r\n\r\n",
            1 => $"GET /v1/health HTTP/1.1\r\n{host}{string.Concat(Enumerable.Range(0, random.Next(101, 400)).Select(i => $"X-H{i}: v\r\n"))}Connection: close\r\n\r\n",
            2 => $"GET /v1/jobs?q={new string('a', random.Next(9_000, 30_000))} HTTP/1.1\r\n{host}{key}Connection: close\r\n\r\n",
            3 => $"GET /v1/{new string('x', random.Next(9_000, 30_000))} HTTP/1.1\r\n{host}Connection: close\r\n\r\n",
            4 => $"GET /v1/health {Pick(random, new[] { "HTTP/1.2", "HTTP/2.0", "HTTP/3.0", "HTTP/0.9", "http/1.1", "HTTP/11", "HTTP/1.1x", "HTTP/", "HTTPS/1.1", "HTTP/9.9" })}\r\n{host}Connection: close\r\n\r\n",
            5 => "GET /v1/health\r\n\r\n",
            6 => $"{RandomText(random, random.Next(1, 60))}\r\n\r\n",
            7 => $"GET  /v1/health HTTP/1.1\r\n{host}Connection: close\r\n\r\n",
            8 => $"GET /v1/health HTTP/1.1\r\nConnection: close\r\n\r\n",
            9 => $"GET /v1/health HTTP/1.1\r\n{host}Host: other\r\nConnection: close\r\n\r\n",
            10 => $"GET /v1/health HTTP/1.1\r\n{host}No colon here\r\nConnection: close\r\n\r\n",
            11 => $"GET /v1/health HTTP/1.1\r\n{host}X-Folded: a\r\n  continued\r\nConnection: close\r\n\r\n",
            12 => $"GET /v1/health HTTP/1.1\n{host.Replace("\r", "", StringComparison.Ordinal)}Connection: close\n\n",
            13 => $"POST /v1/jobs HTTP/1.1\r\n{host}{key}Content-Type: application/json\r\nContent-Length: {Pick(random, new[] { "abc", "-1", "1,2", "99999999999999999999", "0x10", " ", "+5" })}\r\nConnection: close\r\n\r\n{{}}",
            14 => $"POST /v1/jobs HTTP/1.1\r\n{host}{key}Content-Type: application/json\r\nContent-Length: 2\r\nContent-Length: 3\r\nConnection: close\r\n\r\n{{}}",
            15 => $"POST /v1/jobs HTTP/1.1\r\n{host}{key}Content-Type: application/json\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n2\r\n{{}}\r\n0\r\n\r\n",
            16 => $"POST {Pick(random, new[] { "/v1/jobs", "/v1/blobs", "/v1/programs" })} HTTP/1.1\r\n{host}{key}Content-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n{Pick(random, new[] { "zz", "-1", "ffffffffffffffffffff", new string('f', random.Next(20, 5000)), "1;" + new string('e', random.Next(5000, 20000)), "", " 5", "5 x" })}\r\nabcde\r\n0\r\n\r\n",
            17 => $"POST /v1/blobs HTTP/1.1\r\n{host}{key}Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\nabcdefghij\r\n0\r\n\r\n",
            18 => $"POST /v1/jobs HTTP/1.1\r\n{host}{key}Transfer-Encoding: {Pick(random, new[] { "gzip, chunked", "chunked, gzip", "xchunked", "identity", "chunked, chunked" })}\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n2\r\n{{}}\r\n0\r\n\r\n",
            19 => $"{Pick(random, new[] { "CONNECT 127.0.0.1:1 HTTP/1.1", "OPTIONS * HTTP/1.1", "GET http://evil.example/v1/health HTTP/1.1", "TRACE /v1/health HTTP/1.1", "G\u00c9T /v1/health HTTP/1.1", "GET /v1/health?%zz HTTP/1.1", "GET %2e%2e/v1 HTTP/1.1" })}\r\n{host}Connection: close\r\n\r\n",
            20 => $"POST /v1/jobs HTTP/1.1\r\n{host}{key}Content-Type: application/json\r\nExpect: {Pick(random, new[] { "100-continue", "bogus", "" })}\r\nContent-Length: 27\r\nConnection: close\r\n\r\n{{\"program\": \"fuzz-missing\"}}",
            21 => $"GET /v1/health HTTP/1.1\r\n{host}X-Nul: a\0b\r\nConnection: close\r\n\r\n",
            22 => $"GET /v1/health HTTP/1.1\r\n{host}{new string('N', random.Next(9_000, 20_000))}: v\r\nConnection: close\r\n\r\n",
            23 => $"GET /v1/health HTTP/1.0\r\n\r\n",
            24 => $"POST /v1/jobs HTTP/1.0\r\n{key}Content-Type: application/json\r\n\r\n{{\"program\": \"fuzz-missing\"}}",
            25 => $"HEAD {Pick(random, new[] { "/v1/health HTTP/1.7", "/v1/jobs/%00/output HTTP/1.1", "/v1/blobs/x HTTP/1.1\r\nContent-Length: x" })}\r\n{host}{key}Connection: close\r\n\r\n",
            _ => $"GET /v1/health HTTP/1.1\r\n{host}Connection: close\r\n\r\n\r\n\r\n",
        };
        var bytes = Encoding.Latin1.GetBytes(head);
        return new RawExchange("framing", bytes, RawEnding.ReadToClose, 0, 1, head.StartsWith("HEAD ", StringComparison.Ordinal));
    }

    private RawExchange BlobUpload(Random random)
    {
        var size = random.Next(8) == 0 ? 0 : random.Next(1, 2048);
        var body = new byte[size];
        random.NextBytes(body);
        var contentType = random.Next(6) switch
        {
            0 => null,
            1 => "application/octet-stream",
            2 => "text/plain; charset=utf-16",
            3 => "application/" + new string('x', random.Next(240, 400)),
            4 => "text/plain; name=\"\u00e9\u00ff\"",
            _ => RandomText(random, random.Next(1, 30)),
        };
        return Request("blob-upload", "POST", "/v1/blobs", Key(), body, contentType, false);
    }

    private RawExchange Pipelined(Random random)
    {
        var first = $"GET /v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
        var second = random.Next(4) switch
        {
            0 => "GET /v1/health HTTP/1.7\r\nHost: 127.0.0.1\r\n\r\n",
            1 => $"GET /v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: {new string('b', 40_000)}\r\n\r\n",
            2 => $"GET /v1/jobs/{HostileId(random)} HTTP/1.1\r\nHost: 127.0.0.1\r\n{Key()}Connection: close\r\n\r\n",
            _ => "GARBAGE\r\n\r\n",
        };
        return new RawExchange("pipelined", Encoding.Latin1.GetBytes(first + second), RawEnding.ReadToClose, 0, 2, false);
    }

    private RawExchange Slow(Random random)
    {
        var partial = random.Next(3) switch
        {
            0 => "GET /v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ",
            1 => "GET /v1/jo",
            _ => $"POST /v1/jobs HTTP/1.1\r\nHost: 127.0.0.1\r\n{Key()}Content-Type: application/json\r\nContent-Length: 500\r\n\r\n{{\"program\":",
        };
        return new RawExchange("slow", Encoding.Latin1.GetBytes(partial), RawEnding.HoldThenClose, random.Next(100, 800), 0, false);
    }

    private RawExchange Truncated(Random random)
    {
        var path = Pick(random, new[] { "/v1/jobs", "/v1/programs", "/v1/blobs" });
        var text = $"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{Key()}Content-Type: application/json\r\nContent-Length: {random.Next(100, 100_000)}\r\nConnection: close\r\n\r\n{{\"program\": \"echo\"";
        return new RawExchange("truncated", Encoding.Latin1.GetBytes(text), RawEnding.HalfCloseThenRead, 0, 0, false);
    }

    private RawExchange Reads(Random random)
    {
        var (method, path) = random.Next(14) switch
        {
            0 => ("GET", "/v1/health"),
            1 => ("GET", "/v1/health/ready"),
            2 => ("GET", "/v1/openapi.json"),
            3 => ("GET", "/v1/programs"),
            4 => ("GET", "/v1/workers"),
            5 => ("GET", "/v1/client"),
            6 => ("GET", $"/v1/jobs/{targets.JobId}"),
            7 => ("GET", $"/v1/jobs/{targets.JobId}/{(random.Next(2) == 0 ? "logs" : "history")}"),
            8 => ("HEAD", $"/v1/blobs/{targets.BlobId}"),
            9 => ("GET", $"/v1/blobs/{targets.BlobId}/manifest"),
            10 => ("GET", $"/v1/programs/{targets.ProgramId}"),
            11 => ("GET", $"/v1/workers/{targets.WorkerId}"),
            12 => (Pick(random, new[] { "DELETE", "PUT", "PATCH", "OPTIONS", "FOO" }), Pick(random, SecuredEndpoints()).Path),
            _ => ("GET", $"/v1/jobs?limit={random.Next(1, 50)}"),
        };
        var extra = random.Next(3) == 0 ? $"Range: bytes={Pick(random, new[] { "0-0", "5-1", "-0", "0-", "a-b", "0-1,2-3", "99999999999999999999-", "-99999999999999999999" })}\r\n" : "";
        return Request("reads", method, path, Key() + extra, null, null, method == "HEAD");
    }

    private string[] ListPaths() =>
        ["programs", "jobs", "workers", $"jobs/{targets.JobId}/logs", $"programs/{targets.ProgramName}/versions", "deals", "ledger/journal"];

    private (string Method, string Path)[] SecuredEndpoints() =>
    [
        ("GET", "/v1/jobs"), ("POST", "/v1/jobs"), ("GET", $"/v1/jobs/{targets.JobId}"), ("POST", $"/v1/jobs/{targets.JobId}/cancel"),
        ("GET", $"/v1/jobs/{targets.JobId}/logs"), ("GET", $"/v1/jobs/{targets.JobId}/history"), ("GET", $"/v1/jobs/{targets.JobId}/output"), ("POST", "/v1/programs"),
        ("GET", "/v1/programs"), ("GET", $"/v1/programs/{targets.ProgramId}"), ("GET", $"/v1/programs/{targets.ProgramName}/state/proof?key=a"),
        ("GET", $"/v1/blobs/{targets.BlobId}"), ("GET", $"/v1/blobs/{targets.BlobId}/manifest"), ("GET", $"/v1/blobs/{targets.BlobId}/chunks/0/proof"),
        ("GET", "/v1/workers"), ("GET", $"/v1/workers/{targets.WorkerId}"), ("GET", "/v1/client"), ("GET", "/v1/client/storage"), ("GET", "/v1/ledger/journal"),
        ("GET", $"/v1/blobs/{targets.BlobId}/access"), ("POST", $"/v1/blobs/{targets.BlobId}/share"), ("DELETE", $"/v1/blobs/{targets.BlobId}/share/bob"),
        ("POST", $"/v1/blobs/{targets.BlobId}/publish"), ("DELETE", $"/v1/blobs/{targets.BlobId}/publish"), ("DELETE", $"/v1/blobs/{targets.BlobId}"),
        ("GET", $"/v1/programs/{targets.ProgramName}/versions"), ("GET", $"/v1/programs/{targets.ProgramName}/delegates"),
        ("POST", $"/v1/programs/{targets.ProgramName}/delegates"), ("GET", "/v1/deals"), ("POST", "/v1/deals?preset=dev"),
        ("GET", $"/v1/deals/{targets.DealId}"), ("GET", $"/v1/deals/{targets.DealId}/content"), ("POST", $"/v1/deals/{targets.DealId}/audit"),
        ("DELETE", $"/v1/deals/{targets.DealId}"),
    ];

    private string Key() => $"Authorization: Bearer {targets.ApiKey}\r\n";

    private RawExchange JsonPost(string category, string path, byte[] body, string? contentType) =>
        Request(category, "POST", path, Key(), body, contentType, false);

    private static RawExchange Request(string category, string method, string path, string headers, byte[]? body, string? contentType, bool isHead)
    {
        var head = new StringBuilder();
        head.Append(method).Append(' ').Append(path).Append(" HTTP/1.1\r\nHost: 127.0.0.1\r\n").Append(headers);
        if (contentType is not null)
        {
            head.Append("Content-Type: ").Append(contentType).Append("\r\n");
        }

        if (body is not null)
        {
            head.Append("Content-Length: ").Append(body.Length.ToString(CultureInfo.InvariantCulture)).Append("\r\n");
        }

        head.Append("Connection: close\r\n\r\n");
        var bytes = Encoding.Latin1.GetBytes(head.ToString());
        return new RawExchange(category, body is null ? bytes : [.. bytes, .. body], RawEnding.ReadToClose, 0, 1, isHead);
    }

    private static byte[] JobBody(Random random, string member)
    {
        var program = random.Next(10) == 0 ? "fuzz-missing-program" : "fuzz-missing";
        var members = new List<string> { $"\"program\": \"{program}\"", member };
        if (random.Next(3) == 0)
        {
            members.Insert(0, "\"labels\": {\"fuzz\": \"1\"}");
        }

        var text = "{" + string.Join(", ", members) + "}";
        return random.Next(20) == 0 ? [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(text)] : Encoding.UTF8.GetBytes(text);
    }

    private static byte[] DeployBody(Random random, string manifestMember) =>
        Encoding.UTF8.GetBytes($"{{\"wasm_base64\": \"AGFzbQEAAAA=\", \"manifest\": {{\"name\": \"fuzz-{random.Next(1000)}\", \"version\": \"1.0.0\", {manifestMember}}}, \"signature_hex\": \"00\"}}");

    private static string Nested(Random random)
    {
        var depth = random.Next(2) == 0 ? random.Next(30, 40) : random.Next(100, 5000);
        return random.Next(2) == 0
            ? new string('[', depth) + new string(']', depth)
            : string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth);
    }

    private static byte[] Garbage(Random random) => random.Next(9) switch
    {
        0 => [],
        1 => Encoding.UTF8.GetBytes("null"),
        2 => Encoding.UTF8.GetBytes("[1,2,3]"),
        3 => Encoding.UTF8.GetBytes("{\"program\": \"x\",}"),
        4 => Encoding.UTF8.GetBytes("{\"program\": \"x\" /* c */}"),
        5 => [.. Encoding.UTF8.GetBytes("{\"program\": \""), 0xC3, 0x28, 0xFF, .. Encoding.UTF8.GetBytes("\"}")],
        6 => Encoding.UTF8.GetBytes("{\"program\": \"x\"} trailing"),
        7 => Encoding.Unicode.GetBytes("{\"program\": \"fuzz-missing\"}"),
        _ => RandomBytes(random),
    };

    private static byte[] RandomBytes(Random random)
    {
        var bytes = new byte[random.Next(1, 300)];
        random.NextBytes(bytes);
        return bytes;
    }

    private static string ContentType(Random random) => random.Next(10) switch
    {
        0 => $"application/json; charset={Pick(random, Charsets)}",
        1 => Pick(random, new[] { "text/plain", "application/xml", "application/jsonx", "application/json;;;", "*/*", "application/problem+json", "application/json; charset=UTF-8", "application/json; charset=\"utf-8\"" }),
        _ => "application/json",
    };

    private string HostileId(Random random) => random.Next(16) switch
    {
        0 => "job" + RandomHex(random, 32),
        1 => "blob" + RandomHex(random, 64),
        2 => "prog" + RandomHex(random, 64),
        3 => "..%2F..%2Fetc%2Fpasswd",
        4 => "%2e%2e%2f%2e%2e%2f",
        5 => "..",
        6 => "%00",
        7 => new string('a', random.Next(300, 6000)),
        8 => "%F0%9F%92%A9",
        9 => "JOB" + RandomHex(random, 32).ToUpperInvariant(),
        10 => "job" + RandomHex(random, random.Next(0, 40)),
        11 => "%zz",
        12 => "a%5Cb",
        13 => Uri.EscapeDataString(RandomText(random, random.Next(1, 40))),
        14 => Pick(random, new[] { targets.JobId, targets.BlobId, targets.ProgramId, targets.WorkerId, targets.ProgramName + "@latest", targets.ProgramName + "@9.9.9" }),
        _ => "-1",
    };

    // Client ids a share or revoke must refuse (or, for the last ones, accept): empty, blank, surrounding spaces, a '/',
    // control characters (as JSON escapes), too long, non-ASCII.
    private static string HostileClientId(Random random) => random.Next(10) switch
    {
        0 => "",
        1 => "   ",
        2 => " bob",
        3 => "a/b",
        4 => "tab\\there",
        5 => "nul\\u0000x",
        6 => new string('c', random.Next(129, 3000)),
        7 => "\u00e9l\u00e8ve",
        8 => "..",
        _ => RandomText(random, random.Next(1, 40)),
    };

    private static string HostileIndex(Random random) =>
        Pick(random, new[] { "0", "1", "-1", "2147483648", "9223372036854775807", "1e3", "abc", "%00", "00", "4294967295" });

    private static string HostileQuery(Random random) => random.Next(6) switch
    {
        0 => "key=a",
        1 => "key_hex=zz",
        2 => "key=a&key_hex=00",
        3 => "key_hex=" + RandomHex(random, random.Next(0, 200)),
        4 => "",
        _ => "key=" + Uri.EscapeDataString(RandomText(random, random.Next(0, 300))),
    };

    private static string UnknownName(Random random) =>
        Pick(random, new[] { "surprise", "client_id", "__proto__", "constructor", "input", "max_fuel_", "PROGRAM", "program ", "", "\\u0070rogram_x" });

    private static string RandomHex(Random random, int length) =>
        string.Concat(Enumerable.Range(0, length).Select(_ => "0123456789abcdef"[random.Next(16)]));

    private static string RandomText(Random random, int length)
    {
        const string alphabet = "abcdefghijklmnopqrstuvwxyz0123456789-_.~!$&'()*+,;=:@";
        return string.Concat(Enumerable.Range(0, length).Select(_ => alphabet[random.Next(alphabet.Length)]));
    }

    private static T Pick<T>(Random random, IReadOnlyList<T> items) => items[random.Next(items.Count)];
}
