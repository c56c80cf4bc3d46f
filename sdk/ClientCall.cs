using Marketplace.Runtime.Messaging;

namespace Marketplace.Sdk;

/// <summary>
/// A client call waiting for its response, correlated by message id. Continuations run asynchronously so caller code
/// never runs on the connection's read loop.
/// </summary>
internal sealed class ClientCall<T>(Message request, CallTracker tracker, TimeSpan timeout)
    : PendingCallBase<T>(request, tracker, timeout, TaskCreationOptions.RunContinuationsAsynchronously)
{
    protected override void Complete(T? value, Exception? exception) => SetOutcome(value, exception);
}
