using System.Diagnostics;
using System.Numerics;
using Marketplace.Chain.Rpc;
using Marketplace.Chain.Sending;
using Marketplace.Crypto.Ethereum;
using Xunit;

namespace Marketplace.Chain.Tests.Anvil;

/// <summary>
/// A private anvil per test class: started on 127.0.0.1 with port 0, ready when it prints <c>Listening on</c>;
/// its output is drained for its whole life, and it is killed on dispose.
/// </summary>
public sealed class AnvilFixture : IAsyncLifetime
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private readonly HttpClient _http = new();
    private Process? _process;
    private EvmRpcClient? _rpc;
    private string? _startError;

    /// <summary>The JSON-RPC client of the running anvil.</summary>
    public EvmRpcClient Rpc => _rpc ?? throw new InvalidOperationException(_startError ?? "anvil is not running.");

    /// <summary>Nonces shared by every sender of the class, as in one process.</summary>
    public NonceManager Nonces { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var path = AnvilLocator.Find();
        if (path is null)
        {
            _startError = $"anvil not found: {AnvilLocator.Describe()}.";
            return;
        }

        var start = new ProcessStartInfo(path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "--host", "127.0.0.1", "--port", "0" })
        {
            start.ArgumentList.Add(argument);
        }

        var listening = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { } line && line.StartsWith("Listening on ", StringComparison.Ordinal))
            {
                listening.TrySetResult(line["Listening on ".Length..].Trim());
            }
        };
        process.ErrorDataReceived += (_, _) => { };
        process.Exited += (_, _) => listening.TrySetException(new InvalidOperationException($"anvil exited with code {process.ExitCode} before listening."));
        process.Start();
        _process = process;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var hostAndPort = await listening.Task.WaitAsync(StartTimeout);
        _rpc = new EvmRpcClient(_http, new EvmRpcClientOptions
        {
            Endpoint = new Uri("http://" + hostAndPort),
            RequestTimeout = TimeSpan.FromSeconds(20),
        });
        Nonces = new NonceManager(_rpc);
    }

    public async Task DisposeAsync()
    {
        if (_process is { } process)
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
            process.Dispose();
        }

        _http.Dispose();
    }

    /// <summary>A fresh key whose account holds exactly <paramref name="balance"/> wei (set with <c>anvil_setBalance</c>).</summary>
    public async Task<Secp256k1PrivateKey> FundedKeyAsync(BigInteger balance)
    {
        var key = Secp256k1PrivateKey.Generate();
        var address = Address.FromPublicKey(key.PublicKey);
        await Rpc.RequestAsync("anvil_setBalance", $"[\"{address}\",\"{Hex.EncodeQuantity(balance)}\"]");
        Assert.Equal(balance, await Rpc.GetBalanceAsync(address));
        return key;
    }

    /// <summary>A sender for <paramref name="key"/> sharing the class's nonce manager.</summary>
    public TransactionSender Sender(Secp256k1PrivateKey key, TransactionSenderOptions? options = null) =>
        new(Rpc, key, Nonces, new FeeEstimator(Rpc), options);
}
