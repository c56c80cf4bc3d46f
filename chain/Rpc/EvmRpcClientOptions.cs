namespace Marketplace.Chain.Rpc;

/// <summary>Settings of <see cref="EvmRpcClient"/>.</summary>
public sealed class EvmRpcClientOptions
{
    /// <summary>The node's JSON-RPC HTTP endpoint, e.g. <c>http://127.0.0.1:8545</c>.</summary>
    public required Uri Endpoint { get; init; }

    /// <summary>Longest time one request may take, connect to last byte (default 30 s).</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Largest response body accepted (default 32 MiB); a larger one is a transport error.</summary>
    public int MaxResponseBytes { get; init; } = 32 << 20;
}
