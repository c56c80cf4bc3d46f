using Marketplace.Runtime;
using Marketplace.Runtime.Catalog;
using Marketplace.Runtime.Invocation;
using Marketplace.Runtime.Messaging;

namespace Marketplace.Sdk;

/// <summary>Grain factory and call path of the client.</summary>
internal sealed partial class ClusterClient : GrainReferenceFactory
{
    public override IGrainFactory GrainFactory => this;

    public override Task<TResult> InvokeAsync<TResult>(GrainReference target, Request<TResult> request)
    {
        if (request.CancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<TResult>(request.CancellationToken);
        }

        var connection = Volatile.Read(ref _connection);
        return connection is { IsClosed: false } && !IsUnresolved(target.GrainId)
            ? Send(connection, target.GrainId, request)
            : SendWhenConnectedAsync(target, request);
    }

    public override Task InvokeAsync(GrainReference target, VoidRequest request)
    {
        if (request.CancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled(request.CancellationToken);
        }

        var connection = Volatile.Read(ref _connection);
        return connection is { IsClosed: false } && !IsUnresolved(target.GrainId)
            ? Send(connection, target.GrainId, request)
            : SendWhenConnectedAsync(target, request);
    }

    // Never fails: local classes, then the connection's manifest, else an unresolved id resolved at the first call.
    protected override TGrainInterface Create<TGrainInterface>(string key, string? prefix)
    {
        if ((_options.UseLocalGrainClasses && GrainTypeResolver.TryGrainTypeFor<TGrainInterface>(prefix, out var grainType))
            || (Volatile.Read(ref _connection) is { } connection && connection.Manifest.TryResolve(typeof(TGrainInterface), prefix, out grainType, out _)))
        {
            return GrainInterfaceRegistry.CreateReference<TGrainInterface>(new GrainId(grainType, key), this);
        }

        var unresolved = UnresolvedTypeMarker + typeof(TGrainInterface).FullName + UnresolvedTypeMarker + prefix;
        return GrainInterfaceRegistry.CreateReference<TGrainInterface>(new GrainId(unresolved, key), this);
    }

    private const string UnresolvedTypeMarker = "~";

    private static bool IsUnresolved(GrainId id) => id.Type.StartsWith(UnresolvedTypeMarker, StringComparison.Ordinal);

    /// <summary>The target's grain id with its grain type resolved from the connection's manifest if still unknown.</summary>
    /// <exception cref="GrainTypeNotFoundException">The cluster hosts no (single) grain type for the interface.</exception>
    private static GrainId ResolveTarget(ClientConnection connection, GrainReference target)
    {
        var id = target.GrainId;
        if (!IsUnresolved(id))
        {
            return id;
        }

        var prefixAt = id.Type.IndexOf(UnresolvedTypeMarker, UnresolvedTypeMarker.Length, StringComparison.Ordinal);
        var prefix = prefixAt + UnresolvedTypeMarker.Length == id.Type.Length ? null : id.Type[(prefixAt + UnresolvedTypeMarker.Length)..];
        return connection.Manifest.TryResolve(target.InterfaceType, prefix, out var grainType, out var error)
            ? new GrainId(grainType, id.Key)
            : throw new GrainTypeNotFoundException($"{error} (gateway {connection.Gateway}, silo {connection.Silo})");
    }

    private async Task<TResult> SendWhenConnectedAsync<TResult>(GrainReference target, Request<TResult> request)
    {
        var connection = await WaitForConnectionAsync();
        return await Send(connection, ResolveTarget(connection, target), request);
    }

    private async Task SendWhenConnectedAsync(GrainReference target, VoidRequest request)
    {
        var connection = await WaitForConnectionAsync();
        await Send(connection, ResolveTarget(connection, target), request);
    }

    private Task<TResult> Send<TResult>(ClientConnection connection, GrainId target, Request<TResult> request)
    {
        var timeout = request.Method.ResponseTimeout ?? _options.ResponseTimeout;
        var message = CreateMessage(target, request, MessageDirection.Request, timeout);
        var call = new ClientCall<TResult>(message, _tracker, timeout);
        Transmit(connection, message, call);
        return call.Task;
    }

    private Task Send(ClientConnection connection, GrainId target, VoidRequest request)
    {
        var timeout = request.Method.ResponseTimeout ?? _options.ResponseTimeout;
        if (request.Method.IsOneWay)
        {
            var oneWay = CreateMessage(target, request, MessageDirection.OneWay, timeout);
            Transmit(connection, oneWay, null);
            return Task.CompletedTask;
        }

        var message = CreateMessage(target, request, MessageDirection.Request, timeout);
        var call = new ClientCall<object?>(message, _tracker, timeout);
        Transmit(connection, message, call);
        return call.Task;
    }

    private void Transmit(ClientConnection connection, Message message, ITrackedCall? call)
    {
        if (call is not null)
        {
            _tracker.Add(message.Id, call);
        }

        bool sent;
        try
        {
            sent = connection.Send(message);
        }
        catch (GrainSerializationException exception)
        {
            if (call is null)
            {
                throw;
            }

            call.Fail(exception);
            return;
        }

        if (!sent)
        {
            var lost = new ConnectionToClusterLostException($"The connection to gateway {connection.Gateway} closed before {message.MethodName} could be sent.");
            if (call is null)
            {
                throw lost;
            }

            call.Fail(lost);
        }
    }

    private static Message CreateMessage(GrainId target, Request request, MessageDirection direction, TimeSpan timeout) =>
        Message.CreateRequest(target, request, request.Method, direction, timeout);
}
