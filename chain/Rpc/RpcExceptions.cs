using System.Net;
using Marketplace.Chain.Abi;

namespace Marketplace.Chain.Rpc;

/// <summary>The node answered with a JSON-RPC error object.</summary>
public class ChainRpcException : ChainException
{
    /// <summary>Creates the exception from the error object's fields.</summary>
    public ChainRpcException(string method, long code, string rpcMessage, string? data)
        : base($"{method} failed: JSON-RPC error {code}: {rpcMessage}" + (data is null ? "" : $" (data {Shorten(data)})"))
    {
        Method = method;
        Code = code;
        RpcMessage = rpcMessage;
        ErrorData = data;
    }

    /// <summary>The JSON-RPC method called.</summary>
    public string Method { get; }

    /// <summary>The error code (e.g. -32000 server error, -32003 transaction rejected, 3 execution reverted).</summary>
    public long Code { get; }

    /// <summary>The error message as sent by the node.</summary>
    public string RpcMessage { get; }

    /// <summary>The error's <c>data</c>: the string itself when it is a JSON string (revert data is hex), else its JSON text.</summary>
    public string? ErrorData { get; }

    /// <summary>True when the node refused a transaction for its fees: its max fee is below the block's base fee, or it is
    /// underpriced (a replacement not paying enough more than the one it replaces).</summary>
    public bool IsFeeTooLow =>
        RpcMessage.Contains("less than block base fee", StringComparison.OrdinalIgnoreCase) ||
        RpcMessage.Contains("underpriced", StringComparison.OrdinalIgnoreCase);

    /// <summary>True when the node refused a transaction because its nonce was already used.</summary>
    public bool IsNonceTooLow =>
        RpcMessage.Contains("nonce too low", StringComparison.OrdinalIgnoreCase) ||
        RpcMessage.Contains("nonce has already been used", StringComparison.OrdinalIgnoreCase);

    private static string Shorten(string text) => text.Length <= 200 ? text : text[..197] + "...";
}

/// <summary>The node could not be reached or answered with something other than JSON-RPC (connection refused, HTTP 5xx, ...).</summary>
public sealed class ChainTransportException : ChainException
{
    /// <summary>Creates the exception.</summary>
    public ChainTransportException(string method, string message, HttpStatusCode? statusCode = null, Exception? innerException = null)
        : base($"{method}: {message}", innerException)
    {
        Method = method;
        StatusCode = statusCode;
    }

    /// <summary>The JSON-RPC method called.</summary>
    public string Method { get; }

    /// <summary>The HTTP status when the node answered with one that is not a JSON-RPC answer.</summary>
    public HttpStatusCode? StatusCode { get; }
}

/// <summary>A request or a wait (for a receipt) did not finish within its time limit.</summary>
public sealed class ChainTimeoutException : ChainException
{
    /// <summary>Creates the exception.</summary>
    public ChainTimeoutException(string message, TimeSpan timeout, Exception? innerException = null)
        : base(message, innerException)
    {
        Timeout = timeout;
    }

    /// <summary>The limit that was reached.</summary>
    public TimeSpan Timeout { get; }
}

/// <summary>
/// Execution reverted: an <c>eth_call</c> or gas estimate failed with revert data, or a mined transaction has
/// status 0. <see cref="Reason"/> holds the decoded revert (custom errors decoded against the contract's ABI when
/// the call went through a <see cref="Contracts.ContractClient"/>).
/// </summary>
public sealed class ContractRevertException : ChainException
{
    /// <summary>Creates the exception.</summary>
    public ContractRevertException(RevertReason reason, Hash32? transactionHash = null, Exception? innerException = null)
        : base((transactionHash is { } hash ? $"Transaction {hash} reverted: " : "Execution reverted: ") + reason, innerException)
    {
        Reason = reason;
        TransactionHash = transactionHash;
    }

    /// <summary>The decoded revert.</summary>
    public RevertReason Reason { get; }

    /// <summary>The mined transaction that reverted, when there is one.</summary>
    public Hash32? TransactionHash { get; }
}
