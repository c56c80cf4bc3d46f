using Marketplace.Runtime.Catalog;
using Marketplace.Runtime.Invocation;
using Marketplace.Runtime.Placement;

namespace Marketplace.Runtime.Messaging;

/// <summary>
/// Decides where a request goes: a local activation, or (when the transport knows other silos) the silo the directory
/// or placement names. Delivery failures are turned into responses to the caller, never lost.
/// </summary>
internal sealed class MessageRouter(SiloRuntimeClient runtime, GrainCatalog catalog, IMessageTransport transport, IPlacementDirector placement)
{
    /// <summary>Routes a request or one-way request.</summary>
    public void Deliver(Message message)
    {
        try
        {
            if (message.TargetSilo is { } silo && silo != runtime.LocalSilo)
            {
                SendRemote(silo, message);
                return;
            }

            if (transport.RemoteSilos.Count == 0 || catalog.TryGet(message.Target, out _))
            {
                catalog.Deliver(message);
                return;
            }

            _ = RouteRemoteAsync(message);
        }
        catch (GrainRuntimeException exception)
        {
            Fail(message, exception);
        }
    }

    /// <summary>A message that arrived from another silo or a client: materialize the body and route it.</summary>
    public void ReceiveFromNetwork(Message message)
    {
        if (message.Direction == MessageDirection.Response)
        {
            if (runtime.Tracker.TryGet(message.Id, out var call) && call is IResponseSink sink)
            {
                sink.OnResponse(message, sink.ReadResponse(message.Body, runtime));
            }

            return;
        }

        try
        {
            MessageSerializer.MaterializeRequest(message, runtime);
        }
        catch (GrainRuntimeException exception)
        {
            Fail(message, exception);
            return;
        }

        Deliver(message);
    }

    private async Task RouteRemoteAsync(Message message)
    {
        try
        {
            var address = await runtime.Directory.LookupAsync(message.Target);
            var silo = address?.Silo ?? placement.Place(message.Target, GrainTypeResolver.FindByGrainType(message.Target.Type), transport.RemoteSilos, runtime.LocalSilo);
            if (silo == runtime.LocalSilo)
            {
                catalog.Deliver(message);
            }
            else
            {
                message.TargetSilo = silo;
                SendRemote(silo, message);
            }
        }
        catch (GrainRuntimeException exception)
        {
            Fail(message, exception);
        }
    }

    /// <summary>Sends to another silo; the caller's pending call is registered first, as its answer is found by id.</summary>
    private void SendRemote(SiloAddress silo, Message message)
    {
        if (message.Direction == MessageDirection.Request && message.ResponseSink is ITrackedCall call)
        {
            runtime.Tracker.Add(message.Id, call);
        }

        transport.Send(silo, message);
    }

    private static void Fail(Message message, Exception exception)
    {
        if (message.Direction == MessageDirection.Request && message.ResponseSink is { } sink)
        {
            sink.OnResponse(message, Response.FromException(exception));
        }
    }
}
