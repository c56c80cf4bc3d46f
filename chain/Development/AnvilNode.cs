// Design: anvil (Foundry's development node, npm package @foundry-rs/anvil-linux-amd64) is the marketplace's
// development chain. Tests, the settlement benchmark and local tooling start it the same way: on 127.0.0.1, port 0
// the first time (the port it reports is kept, so a restart keeps its URL), ready when it prints "Listening on", its
// output drained for its whole life so it never blocks on a full pipe, killed with its process tree on dispose.
using System.Diagnostics;
using System.Globalization;
using System.Numerics;
using System.Text.Json;
using Marketplace.Chain.Rpc;
using Marketplace.Crypto.Ethereum;

namespace Marketplace.Chain.Development;

/// <summary>A private anvil process and a JSON-RPC client of it. Development and tests only.</summary>
public sealed class AnvilNode : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private readonly HttpClient _http = new();
    private readonly string _binary;
    private readonly long _chainId;
    private Process? _process;
    private EvmRpcClient? _rpc;

    private AnvilNode(string binary, long chainId)
    {
        _binary = binary;
        _chainId = chainId;
    }

    /// <summary>The port anvil listens on (0 before the first start).</summary>
    public int Port { get; private set; }

    /// <summary>The JSON-RPC URL, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public string Url => "http://127.0.0.1:" + Port.ToString(CultureInfo.InvariantCulture);

    /// <summary>A client of it (20 s per request).</summary>
    public EvmRpcClient Rpc => _rpc ?? throw new InvalidOperationException("anvil is not running.");

    /// <summary>Starts anvil (automine, <paramref name="chainId"/>) on a free port.</summary>
    /// <exception cref="FileNotFoundException">No anvil binary (<see cref="AnvilBinary.Describe"/> says where it looked).</exception>
    public static async Task<AnvilNode> StartAsync(long chainId = 31337, CancellationToken cancellationToken = default)
    {
        var binary = AnvilBinary.Find() ?? throw new FileNotFoundException($"anvil not found: {AnvilBinary.Describe()}.");
        var node = new AnvilNode(binary, chainId);
        await node.LaunchAsync(cancellationToken).ConfigureAwait(false);
        return node;
    }

    /// <summary>Kills anvil and starts it again on the same port with the chain state it had (blocks, balances,
    /// contracts, nonces). Transactions it had pooled but not mined are lost, as after a real node restart.</summary>
    public async Task RestartAsync(CancellationToken cancellationToken = default)
    {
        var state = await Rpc.RequestAsync("anvil_dumpState", cancellationToken: cancellationToken).ConfigureAwait(false);
        await StopAsync().ConfigureAwait(false);
        await LaunchAsync(cancellationToken).ConfigureAwait(false);
        await Rpc.RequestAsync("anvil_loadState", "[" + JsonSerializer.Serialize(state.GetString()) + "]", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Kills anvil (its state is lost unless dumped); <see cref="Rpc"/> then fails to connect.</summary>
    public async Task StopAsync()
    {
        if (_process is { } process)
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
            process.Dispose();
            _process = null;
        }
    }

    /// <summary>A fresh key whose account holds exactly <paramref name="wei"/> (<c>anvil_setBalance</c>).</summary>
    public async Task<Secp256k1PrivateKey> FundedKeyAsync(BigInteger wei, CancellationToken cancellationToken = default)
    {
        var key = Secp256k1PrivateKey.Generate();
        await SetBalanceAsync(Address.FromPublicKey(key.PublicKey), wei, cancellationToken).ConfigureAwait(false);
        return key;
    }

    /// <summary>Sets an account's native balance (<c>anvil_setBalance</c>).</summary>
    public Task SetBalanceAsync(Address account, BigInteger wei, CancellationToken cancellationToken = default) =>
        Rpc.RequestAsync("anvil_setBalance", $"[\"{account}\",\"{Hex.EncodeQuantity(wei)}\"]", cancellationToken);

    /// <summary>Moves the chain's time forward by <paramref name="seconds"/> and mines a block.</summary>
    public async Task AdvanceTimeAsync(long seconds, CancellationToken cancellationToken = default)
    {
        await Rpc.RequestAsync("evm_increaseTime", "[" + seconds.ToString(CultureInfo.InvariantCulture) + "]", cancellationToken).ConfigureAwait(false);
        await Rpc.RequestAsync("evm_mine", cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _http.Dispose();
    }

    private async Task LaunchAsync(CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(_binary) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "--host", "127.0.0.1", "--port", Port.ToString(CultureInfo.InvariantCulture), "--chain-id", _chainId.ToString(CultureInfo.InvariantCulture) })
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
        var address = await listening.Task.WaitAsync(StartTimeout, cancellationToken).ConfigureAwait(false);
        Port = int.Parse(address[(address.LastIndexOf(':') + 1)..], NumberStyles.None, CultureInfo.InvariantCulture);
        _rpc ??= new EvmRpcClient(_http, new EvmRpcClientOptions { Endpoint = new Uri(Url), RequestTimeout = TimeSpan.FromSeconds(20) });
    }
}

/// <summary>Where the anvil binary is looked for: <see cref="Variable"/>, else
/// <c>contracts/node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil</c> in the first folder above the running program
/// that holds <c>Marketplace.sln</c>.</summary>
public static class AnvilBinary
{
    /// <summary>The environment variable naming the binary.</summary>
    public const string Variable = "MARKETPLACE_ANVIL";

    /// <summary>The binary's path, or null when there is none.</summary>
    public static string? Find()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable(Variable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            return File.Exists(fromEnvironment) ? fromEnvironment : null;
        }

        return DefaultPath() is { } path && File.Exists(path) ? path : null;
    }

    /// <summary>Why <see cref="Find"/> found nothing, for an error message.</summary>
    public static string Describe() =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value
            ? $"{Variable}={value} does not exist"
            : $"{Variable} is unset and {DefaultPath() ?? "no folder above " + AppContext.BaseDirectory + " holds Marketplace.sln"}{(DefaultPath() is null ? "" : " does not exist")}";

    private static string? DefaultPath()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Marketplace.sln")))
            {
                return Path.Combine(folder.FullName, "contracts", "node_modules", "@foundry-rs", "anvil-linux-amd64", "bin", "anvil");
            }
        }

        return null;
    }
}
