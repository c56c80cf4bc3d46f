using Marketplace.GrainInterfaces;

namespace Marketplace.Silo.Api;

/// <summary>
/// The one table of problem codes and their HTTP statuses: the grain errors' stable codes
/// (<see cref="MarketplaceException.Code"/>) and the API's own transport codes. silo/README.md documents it.
/// </summary>
internal static class ProblemCodes
{
    public const string Unauthorized = "unauthorized";
    public const string InvalidJson = "invalid_json";
    public const string MalformedRequest = "malformed_request";
    public const string RequestTimeout = "request_timeout";
    public const string LengthRequired = "length_required";
    public const string UriTooLong = "uri_too_long";
    public const string UnsupportedCharset = "unsupported_charset";
    public const string HeadersTooLarge = "headers_too_large";
    public const string HttpVersionNotSupported = "http_version_not_supported";
    public const string UnsupportedMediaType = "unsupported_media_type";
    public const string PayloadTooLarge = "payload_too_large";
    public const string NotFound = "not_found";
    public const string MethodNotAllowed = "method_not_allowed";
    public const string RangeNotSatisfiable = "range_not_satisfiable";
    public const string Timeout = "timeout";
    public const string Unavailable = "unavailable";
    public const string RateLimited = "rate_limited";
    public const string Internal = "internal";
    public const string SignatureRequired = "signature_required";
    public const string SignatureInvalid = "signature_invalid";
    public const string SignatureExpired = "signature_expired";
    public const string SigningKeyUnknown = "signing_key_unknown";
    public const string SigningKeyMismatch = "signing_key_mismatch";
    public const string NonceReplayed = "nonce_replayed";
    public const string ContentHashMismatch = "content_hash_mismatch";

    /// <summary>Prefix of the problem <c>type</c> URI: <c>urn:marketplace:problem:&lt;code&gt;</c>.</summary>
    public const string TypePrefix = "urn:marketplace:problem:";

    /// <summary>Every code with its status and title, in the README's order.</summary>
    public static IReadOnlyList<(string Code, int Status, string Title)> All { get; } =
    [
        (InvalidRequestException.ErrorCode, 400, "Invalid request"),
        (InvalidJson, 400, "Malformed JSON body"),
        (MalformedRequest, 400, "Malformed HTTP request"),
        (BlobEmptyException.ErrorCode, 400, "Empty blob"),
        (EvidenceInvalidException.ErrorCode, 400, "Invalid evidence"),
        (Unauthorized, 401, "Missing or unknown API key"),
        (SignatureRequired, 401, "Signed request required"),
        (SignatureInvalid, 401, "Invalid request signature"),
        (SignatureExpired, 401, "Request timestamp outside the allowed skew"),
        (SigningKeyUnknown, 401, "Unknown signing key"),
        (SigningKeyMismatch, 401, "Signing key of another client"),
        (NonceReplayed, 401, "Nonce already used"),
        (ContentHashMismatch, 401, "Body does not match its signed hash"),
        (AccessDeniedException.ErrorCode, 403, "Forbidden"),
        (GatewayRefusedException.ErrorCode, 403, "Gateway refused"),
        (NotFound, 404, "No such endpoint"),
        (BlobNotFoundException.ErrorCode, 404, "Blob not found"),
        (ProgramNotFoundException.ErrorCode, 404, "Program not found"),
        (JobNotFoundException.ErrorCode, 404, "Job not found"),
        (WorkerNotFoundException.ErrorCode, 404, "Worker not found"),
        (DealNotFoundException.ErrorCode, 404, "Storage deal not found"),
        (ProviderNotFoundException.ErrorCode, 404, "Storage provider not found"),
        (MethodNotAllowed, 405, "Method not allowed"),
        (RequestTimeout, 408, "Request timed out"),
        (InsufficientFundsException.ErrorCode, 402, "Insufficient funds"),
        (StateNotKeptException.ErrorCode, 404, "Program state not kept"),
        (JobConflictException.ErrorCode, 409, "Job state conflict"),
        (RequestIdConflictException.ErrorCode, 409, "Request id used with another body"),
        (BlobAccessListFullException.ErrorCode, 409, "Blob access list full"),
        (SettlementConflictException.ErrorCode, 409, "Settlement conflict"),
        (DealNotPlacedException.ErrorCode, 409, "Storage deal not placed"),
        (LengthRequired, 411, "Length required"),
        (PayloadTooLarge, 413, "Request body too large"),
        (BlobTooLargeException.ErrorCode, 413, "Blob too large"),
        (UriTooLong, 414, "URI too long"),
        (UnsupportedMediaType, 415, "Unsupported media type"),
        (UnsupportedCharset, 415, "Unsupported charset"),
        (RangeNotSatisfiable, 416, "Range not satisfiable"),
        (ProgramRejectedException.ErrorCode, 422, "Program rejected"),
        (WorkerRejectedException.ErrorCode, 422, "Worker rejected"),
        (AmountOverflowException.ErrorCode, 422, "Amount overflow"),
        (RateLimited, 429, "Too many requests"),
        (QuotaExceededException.ErrorCode, 429, "Quota exceeded"),
        (HeadersTooLarge, 431, "Request headers too large"),
        (Internal, 500, "Internal error"),
        (BlobIntegrityException.ErrorCode, 500, "Stored blob damaged"),
        (Unavailable, 503, "Service unavailable"),
        (BlobStoreException.ErrorCode, 503, "Blob store failed"),
        (StorageUnavailableException.ErrorCode, 503, "Stored blob unavailable"),
        (Timeout, 504, "Timed out"),
        (HttpVersionNotSupported, 505, "HTTP version not supported"),
    ];

    /// <summary>The code of a transport-level failure (Kestrel's own status for a request it refused or could not
    /// frame): <paramref name="status"/> to its code, <see cref="MalformedRequest"/> for any other 4xx.</summary>
    public static string ForTransportStatus(int status) => status switch
    {
        StatusCodes.Status408RequestTimeout => RequestTimeout,
        StatusCodes.Status411LengthRequired => LengthRequired,
        StatusCodes.Status413PayloadTooLarge => PayloadTooLarge,
        StatusCodes.Status414UriTooLong => UriTooLong,
        StatusCodes.Status431RequestHeaderFieldsTooLarge => HeadersTooLarge,
        StatusCodes.Status505HttpVersionNotsupported => HttpVersionNotSupported,
        StatusCodes.Status503ServiceUnavailable => Unavailable,
        >= 500 => Internal,
        _ => MalformedRequest,
    };

    /// <summary>A plain sentence for a transport-level failure with <paramref name="code"/>.</summary>
    public static string TransportDetail(string code) => code switch
    {
        RequestTimeout => "The request was not received in time; send the request line, headers and body without long pauses.",
        LengthRequired => "The request has a body but neither Content-Length nor Transfer-Encoding: chunked.",
        PayloadTooLarge => "The request body is larger than this endpoint accepts.",
        UriTooLong => "The request line (method, path and query) is longer than this server accepts.",
        HeadersTooLarge => "The request headers are larger than this server accepts, in total or in number.",
        HttpVersionNotSupported => "Only HTTP/1.0 and HTTP/1.1 are served on this address.",
        Unavailable => "The server is not accepting requests right now; retry shortly.",
        Internal => "The server could not answer this request.",
        _ => "The HTTP request is malformed (request line, a header, Content-Length, Transfer-Encoding or chunk framing).",
    };

    /// <summary>The HTTP status of <paramref name="code"/>; 400 for a marketplace code this table does not know.</summary>
    public static int StatusFor(string code) => Find(code).Status;

    /// <summary>The short title of <paramref name="code"/>.</summary>
    public static string TitleFor(string code) => Find(code).Title;

    private static (string Code, int Status, string Title) Find(string code)
    {
        foreach (var entry in All)
        {
            if (string.Equals(entry.Code, code, StringComparison.Ordinal))
            {
                return entry;
            }
        }

        return (code, 400, "Request failed");
    }
}
