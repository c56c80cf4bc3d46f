// Design: the client runtime. Holds at most one gateway connection; every call goes over it as a Message built like
// the silo's (flags, request context, time to live), registered by id with a CallTracker that times it out. When the
// connection closes, every pending call fails with ConnectionToClusterLostException (outcome unknown: no resend) and a
// background loop reconnects, trying the configured gateways round-robin every ReconnectDelay. A call made while
// disconnected waits up to ReconnectWaitTimeout for the connection, then fails with SiloUnavailableException.
using System.Net;
using Marketplace.Runtime;
using Marketplace.Runtime.Messaging;
using Marketplace.Runtime.Serialization;
using Microsoft.Extensions.Logging;

namespace Marketplace.Sdk;

/// <summary>The grain client: grain factory, call path and gateway connection management.</summary>
internal sealed partial class ClusterClient : IClusterClient, ICodecContext
{
    private readonly ClientOptions _options;
    private readonly ClientLog _log;
    private readonly (EndPoint Endpoint, string Text)[] _gateways;
    private readonly CallTracker _tracker = new(TimeSpan.FromMilliseconds(100));
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _closing = new();
    private readonly string _identity = $"client/{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";
    private ClientConnection? _connection;
    private TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _reconnectLoop = Task.CompletedTask;
    private Task _connectionLoop = Task.CompletedTask;
    private int _nextGateway;
    private bool _started;
    private string _lastErrors = "No gateway configured.";

    public ClusterClient(ClientOptions options, ILoggerFactory loggers)
    {
        _options = options;
        _log = new ClientLog(loggers.CreateLogger("Marketplace.Sdk.ClusterClient"));
        var endpoints = options.GatewayEndpoints.Count == 0 ? [ClientOptions.DEFAULT_GATEWAY_ENDPOINT] : options.GatewayEndpoints;
        _gateways = [.. endpoints.Select(e => (ParseEndpoint(e), e))];
        if (options.ResponseTimeout <= TimeSpan.Zero || options.ConnectTimeout <= TimeSpan.Zero || options.ReconnectWaitTimeout < TimeSpan.Zero)
        {
            throw new ArgumentException("ClientOptions: ResponseTimeout and ConnectTimeout must be positive, ReconnectWaitTimeout not negative.", nameof(options));
        }
    }

    public bool IsConnected => Volatile.Read(ref _connection) is { IsClosed: false };

    IGrainFactory? ICodecContext.GrainFactory => this;

    public async Task ConnectAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_closing.IsCancellationRequested, this);
        lock (_gate)
        {
            if (_started)
            {
                throw new InvalidOperationException("ConnectAsync was already called; the client reconnects by itself.");
            }

            _started = true;
        }

        try
        {
            var connection = await TryConnectRoundAsync(cancellationToken)
                ?? throw new SiloUnavailableException(_lastErrors);
            Attach(connection);
        }
        catch (Exception)
        {
            lock (_gate)
            {
                _started = false;
            }

            throw;
        }
    }

    public async Task CloseAsync()
    {
        if (_closing.IsCancellationRequested)
        {
            return;
        }

        _closing.Cancel();
        Volatile.Read(ref _connection)?.Close();
        await _connectionLoop;
        await _reconnectLoop;
        _tracker.FailAll(new ConnectionToClusterLostException("The client was closed before the response arrived."));
        _connected.TrySetResult(); // Wakes calls waiting for a reconnection; they see the client closed.
        _log.Closed();
    }

    public async ValueTask DisposeAsync()
    {
        await CloseAsync();
        _tracker.Dispose();
        _closing.Dispose();
    }

    private static EndPoint ParseEndpoint(string text)
    {
        if (IPEndPoint.TryParse(text, out var ip) && ip.Port != 0)
        {
            return ip;
        }

        var colon = text.LastIndexOf(':');
        if (colon > 0 && int.TryParse(text.AsSpan(colon + 1), System.Globalization.CultureInfo.InvariantCulture, out var port) && port is > 0 and <= IPEndPoint.MaxPort)
        {
            return new DnsEndPoint(text[..colon], port);
        }

        throw new ArgumentException($"Gateway endpoint '{text}' is not host:port.");
    }

    private async Task<ClientConnection?> TryConnectRoundAsync(CancellationToken cancellationToken)
    {
        var errors = new List<string>();
        for (var i = 0; i < _gateways.Length; i++)
        {
            var (endpoint, text) = _gateways[(_nextGateway + i) % _gateways.Length];
            try
            {
                var connection = await ClientConnection.OpenAsync(endpoint, text, _options, _identity, _tracker, this, cancellationToken);
                _nextGateway = (_nextGateway + i) % _gateways.Length;
                return connection;
            }
            catch (SiloUnavailableException exception)
            {
                _log.ConnectFailed(text, exception.Message);
                errors.Add(exception.Message);
            }
        }

        _nextGateway = (_nextGateway + 1) % _gateways.Length;
        _lastErrors = $"No silo gateway is reachable for cluster '{_options.ClusterId}': {string.Join(" ", errors)}";
        return null;
    }

    private void Attach(ClientConnection connection)
    {
        TaskCompletionSource connected;
        lock (_gate)
        {
            Volatile.Write(ref _connection, connection);
            connected = _connected;
        }

        _log.Connected(connection.Gateway, connection.Silo);
        _connectionLoop = ServeAsync(connection);
        connected.TrySetResult();
    }

    private async Task ServeAsync(ClientConnection connection)
    {
        await Task.Yield();
        try
        {
            var violation = await connection.RunAsync();
            if (violation is not null)
            {
                _log.ProtocolViolation(connection.Gateway, violation);
            }
        }
        finally
        {
            OnConnectionClosed(connection);
        }
    }

    private void OnConnectionClosed(ClientConnection connection)
    {
        lock (_gate)
        {
            Volatile.Write(ref _connection, null);
            if (_connected.Task.IsCompleted)
            {
                _connected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }

        var pending = _tracker.Count;
        _tracker.FailAll(new ConnectionToClusterLostException(
            $"The connection to gateway {connection.Gateway} ({connection.Silo}) closed before the response arrived; the call's outcome is unknown."));
        if (_closing.IsCancellationRequested)
        {
            return;
        }

        _log.ConnectionLost(connection.Gateway, pending);
        _reconnectLoop = ReconnectAsync();
    }

    private async Task ReconnectAsync()
    {
        var token = _closing.Token;
        while (!token.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(_options.ReconnectDelay, token);
                if (await TryConnectRoundAsync(token) is { } connection)
                {
                    if (token.IsCancellationRequested)
                    {
                        connection.Close();
                        return;
                    }

                    Attach(connection);
                    return;
                }
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }
        }
    }

    /// <summary>Waits for a connection (reconnect in progress) up to <see cref="ClientOptions.ReconnectWaitTimeout"/>.</summary>
    private async Task<ClientConnection> WaitForConnectionAsync()
    {
        if (!_started)
        {
            throw new SiloUnavailableException("The client is not connected: call ConnectAsync first.");
        }

        var deadline = Environment.TickCount64 + (long)_options.ReconnectWaitTimeout.TotalMilliseconds;
        while (true)
        {
            ObjectDisposedException.ThrowIf(_closing.IsCancellationRequested, this);
            if (Volatile.Read(ref _connection) is { IsClosed: false } open)
            {
                return open;
            }

            var remaining = deadline - Environment.TickCount64;
            if (remaining <= 0)
            {
                break;
            }

            Task connected;
            lock (_gate)
            {
                connected = _connected.Task;
            }

            if (connected.IsCompleted)
            {
                // The socket closed but the loss is not processed yet (the signal is still the old, completed one).
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(remaining, 10)));
                continue;
            }

            try
            {
                await connected.WaitAsync(TimeSpan.FromMilliseconds(remaining));
            }
            catch (TimeoutException)
            {
                // Reported below with the reconnect history.
            }
        }

        return Volatile.Read(ref _connection) is { IsClosed: false } connection
            ? connection
            : throw new SiloUnavailableException(
                $"Not connected to any gateway (waited {_options.ReconnectWaitTimeout} for reconnection). {_lastErrors}");
    }
}
