using Marketplace.Runtime;
using Marketplace.Runtime.Catalog;
using Marketplace.Runtime.Invocation;
using Marketplace.Runtime.Messaging;

namespace Marketplace.Sdk;

/// <summary>Grain factory and call path of the client.</summary>
internal sealed partial class ClusterClient : IGrainReferenceRuntime
{
    IGrainFactory IGrainReferenceRuntime.GrainFactory => this;

    public TGrainInterface GetGrain<TGrainInterface>(string primaryKey, string? grainClassNamePrefix = null)
        where TGrainInterface : IGrainWithStringKey
    {
        ArgumentNullException.ThrowIfNull(primaryKey);
        return Create<TGrainInterface>(primaryKey, grainClassNamePrefix);
    }

    public TGrainInterface GetGrain<TGrainInterface>(Guid primaryKey, string? grainClassNamePrefix = null)
        where TGrainInterface : IGrainWithGuidKey => Create<TGrainInterface>(GrainKey.Format(primaryKey), grainClassNamePrefix);

    public TGrainInterface GetGrain<TGrainInterface>(long primaryKey, string? grainClassNamePrefix = null)
        where TGrainInterface : IGrainWithIntegerKey => Create<TGrainInterface>(GrainKey.Format(primaryKey), grainClassNamePrefix);

    public TGrainInterface GetGrain<TGrainInterface>(Guid primaryKey, string keyExtension, string? grainClassNamePrefix = null)
        where TGrainInterface : IGrainWithGuidCompoundKey => Create<TGrainInterface>(GrainKey.Format(primaryKey, keyExtension), grainClassNamePrefix);

    public TGrainInterface GetGrain<TGrainInterface>(long primaryKey, string keyExtension, string? grainClassNamePrefix = null)
        where TGrainInterface : IGrainWithIntegerCompoundKey => Create<TGrainInterface>(GrainKey.Format(primaryKey, keyExtension), grainClassNamePrefix);

    public TGrainInterface GetGrain<TGrainInterface>(GrainId grainId)
        where TGrainInterface : IAddressable => GrainInterfaceRegistry.CreateReference<TGrainInterface>(grainId, this);

    public Task<TResult> InvokeAsync<TResult>(GrainReference target, Request<TResult> request)
    {
        if (request.CancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<TResult>(request.CancellationToken);
        }

        var connection = Volatile.Read(ref _connection);
        return connection is { IsClosed: false }
            ? Send(connection, target, request)
            : SendWhenConnectedAsync(target, request);
    }

    public Task InvokeAsync(GrainReference target, VoidRequest request)
    {
        if (request.CancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled(request.CancellationToken);
        }

        var connection = Volatile.Read(ref _connection);
        return connection is { IsClosed: false }
            ? Send(connection, target, request)
            : SendWhenConnectedAsync(target, request);
    }

    private TGrainInterface Create<TGrainInterface>(string key, string? prefix)
        where TGrainInterface : IAddressable =>
        GrainInterfaceRegistry.CreateReference<TGrainInterface>(new GrainId(GrainTypeResolver.GrainTypeFor<TGrainInterface>(prefix), key), this);

    private async Task<TResult> SendWhenConnectedAsync<TResult>(GrainReference target, Request<TResult> request) =>
        await Send(await WaitForConnectionAsync(), target, request);

    private async Task SendWhenConnectedAsync(GrainReference target, VoidRequest request) =>
        await Send(await WaitForConnectionAsync(), target, request);

    private Task<TResult> Send<TResult>(ClientConnection connection, GrainReference target, Request<TResult> request)
    {
        var timeout = request.Method.ResponseTimeout ?? _options.ResponseTimeout;
        var message = CreateMessage(target.GrainId, request, MessageDirection.Request, timeout);
        var call = new ClientCall<TResult>(message, _tracker, timeout);
        Transmit(connection, message, call);
        return call.Task;
    }

    private Task Send(ClientConnection connection, GrainReference target, VoidRequest request)
    {
        var timeout = request.Method.ResponseTimeout ?? _options.ResponseTimeout;
        if (request.Method.IsOneWay)
        {
            var oneWay = CreateMessage(target.GrainId, request, MessageDirection.OneWay, timeout);
            Transmit(connection, oneWay, null);
            return Task.CompletedTask;
        }

        var message = CreateMessage(target.GrainId, request, MessageDirection.Request, timeout);
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

    private static Message CreateMessage(GrainId target, Request request, MessageDirection direction, TimeSpan timeout)
    {
        var method = request.Method;
        var context = RequestContext.Data;
        var flags = MessageFlags.None;
        if (method.IsAlwaysInterleave)
        {
            flags |= MessageFlags.AlwaysInterleave;
        }

        if (method.IsReadOnly)
        {
            flags |= MessageFlags.ReadOnly;
        }

        if (context?.AllowCallChainReentrancy == true)
        {
            flags |= MessageFlags.AllowCallChainReentrancy;
        }

        return new Message
        {
            Id = Message.NextId(),
            Direction = direction,
            Flags = flags,
            Target = target,
            InterfaceId = method.InterfaceId,
            MethodId = method.MethodId,
            Request = request,
            RequestContext = context?.Values,
            ExpiresAt = Environment.TickCount64 + (long)timeout.TotalMilliseconds,
        };
    }
}
