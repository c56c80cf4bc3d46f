// Design: every failure the CLI expects ends here and becomes one line on stderr plus an exit code. Marketplace
// errors keep their stable code and are grouped by it (any *_not_found is "not found", so a new error type lands in
// the right group without a change here); transport failures become "unreachable"/"connection_lost"/"timeout"
// with the address in the message, never a stack trace; a chain node's failures (chain deploy) get chain_* codes. Exceptions outside these families are bugs and propagate.
using System.Net.Sockets;
using Marketplace.Chain;
using Marketplace.Chain.Rpc;
using Marketplace.Crypto;
using Marketplace.GrainInterfaces;
using Marketplace.Sdk;
using Orleans.Runtime.Messaging;
using Orleans.Serialization;

namespace Marketplace.Cli;

/// <summary>What the CLI prints and returns for a failure.</summary>
internal readonly record struct ErrorReport(string Code, int ExitCode, string Message)
{
    /// <summary>The HTTP client's code for a request that got no answer.</summary>
    public const string ConnectionFailedCode = "connection_failed";

    /// <summary>The line printed on stderr.</summary>
    public string Line => $"error {Code}: {Message}";

    /// <summary>The exit code of a marketplace error code.</summary>
    public static int ExitCodeOf(string code) => code switch
    {
        ConnectionFailedCode => ExitCodes.Connection,
        _ when code.EndsWith("_not_found", StringComparison.Ordinal) || code == "not_found" || code == StateNotKeptException.ErrorCode => ExitCodes.NotFound,
        BlobIntegrityException.ErrorCode => ExitCodes.Integrity,
        AccessDeniedException.ErrorCode or GatewayRefusedException.ErrorCode or "unauthorized" or "signature_required" or "signature_invalid" or "signature_expired"
            or "signing_key_unknown" or "signing_key_mismatch" or "nonce_replayed" or "content_hash_mismatch" => ExitCodes.Auth,
        "internal" or "internal_error" or "server_error" or "unavailable" or "unexpected_response" or "blob_store_failed" or StorageUnavailableException.ErrorCode => ExitCodes.Server,
        _ => ExitCodes.Rejected,
    };

    /// <summary>The report of an expected failure, or null for an exception that is a bug.</summary>
    /// <param name="error">The failure.</param>
    /// <param name="endpoint">Where the CLI connects (named in connection messages).</param>
    public static ErrorReport? From(Exception error, string endpoint) => error switch
    {
        CliException e => new ErrorReport(e.Code, e.ExitCode, e.Message),
        MarketplaceException { Code: ConnectionFailedCode } e => new ErrorReport("unreachable", ExitCodes.Connection, $"cannot reach the marketplace at {endpoint}: {OneLine(e.Message)}"),
        MarketplaceException e => new ErrorReport(e.Code, ExitCodeOf(e.Code), OneLine(e.Message)),
        JobWaitTimeoutException e => new ErrorReport("wait_timeout", ExitCodes.WaitTimeout, e.Message),
        SiloUnavailableException e => new ErrorReport("unreachable", ExitCodes.Connection, $"cannot reach the marketplace at {endpoint}: {OneLine(e.Message)}"),
        ConnectionFailedException e => new ErrorReport("unreachable", ExitCodes.Connection, $"cannot reach the marketplace at {endpoint}: {OneLine(e.Message)}"),
        OrleansMessageRejectionException e => new ErrorReport("connection_lost", ExitCodes.Connection, $"the connection to {endpoint} broke: {OneLine(e.Message)}"),
        HttpRequestException e => new ErrorReport("unreachable", ExitCodes.Connection, $"cannot reach the marketplace at {endpoint}: {Innermost(e)}"),
        SocketException e => new ErrorReport("unreachable", ExitCodes.Connection, $"cannot reach the marketplace at {endpoint}: {e.Message}"),
        TimeoutException e => new ErrorReport("timeout", ExitCodes.Connection, $"{endpoint} did not answer in time: {OneLine(e.Message)}"),
        UnavailableExceptionFallbackException e => new ErrorReport("server_error", ExitCodes.Server, $"{e.ExceptionType}: {OneLine(e.Message)}"),
        OrleansException e => new ErrorReport("server_error", ExitCodes.Server, OneLine(e.Message)),
        CryptoFormatException e => new ErrorReport("invalid_key", ExitCodes.Usage, e.Message),
        ChainTransportException e => new ErrorReport("chain_unreachable", ExitCodes.Connection, $"cannot reach the chain's node: {OneLine(e.Message)}"),
        ChainTimeoutException e => new ErrorReport("chain_timeout", ExitCodes.Connection, OneLine(e.Message)),
        ContractRevertException e => new ErrorReport("chain_reverted", ExitCodes.Rejected, OneLine(e.Message)),
        ChainException e => new ErrorReport("chain_rejected", ExitCodes.Rejected, OneLine(e.Message)),
        FileNotFoundException e => new ErrorReport("usage", ExitCodes.Usage, $"file '{e.FileName}' does not exist."),
        DirectoryNotFoundException e => new ErrorReport("usage", ExitCodes.Usage, OneLine(e.Message)),
        UnauthorizedAccessException e => new ErrorReport("io", ExitCodes.Usage, OneLine(e.Message)),
        IOException e => new ErrorReport("io", ExitCodes.Usage, OneLine(e.Message)),
        _ => null,
    };

    private static string Innermost(Exception e)
    {
        while (e.InnerException is not null)
        {
            e = e.InnerException;
        }

        return OneLine(e.Message);
    }

    private static string OneLine(string text) =>
        string.Join("; ", text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
