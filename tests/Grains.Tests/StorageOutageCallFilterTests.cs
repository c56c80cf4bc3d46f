using System.Data.Common;
using System.Reflection;
using Orleans.Storage;
using Xunit;

namespace Marketplace.Grains.Tests;

/// <summary>A database failure escaping a grain call reaches the caller as a serializable
/// <see cref="ClusterStorageUnavailableException"/>; anything else, an <see cref="InconsistentStateException"/>
/// included, passes unchanged.</summary>
public sealed class StorageOutageCallFilterTests
{
    [Fact]
    public async Task ADatabaseFailureBecomesClusterStorageUnavailable()
    {
        var refused = new UnreachableDatabaseException();
        var e = await Assert.ThrowsAsync<ClusterStorageUnavailableException>(() => new StorageOutageCallFilter().Invoke(Failing(new OrleansException("Error from storage provider", refused))));
        Assert.Contains("Failed to connect to 172.28.0.2:5432", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OtherFailuresPassUnchanged()
    {
        var conflict = new InconsistentStateException("Version conflict", "1", "2");
        Assert.Same(conflict, await Assert.ThrowsAsync<InconsistentStateException>(() => new StorageOutageCallFilter().Invoke(Failing(conflict))));
        var bug = new InvalidOperationException("a bug");
        Assert.Same(bug, await Assert.ThrowsAsync<InvalidOperationException>(() => new StorageOutageCallFilter().Invoke(Failing(bug))));
        await new StorageOutageCallFilter().Invoke(Failing(null));
    }

    private static IIncomingGrainCallContext Failing(Exception? failure)
    {
        var context = DispatchProxy.Create<IIncomingGrainCallContext, CallContext>();
        ((CallContext)(object)context).Failure = failure;
        return context;
    }

    /// <summary>A call context whose call fails with <see cref="Failure"/> (or succeeds when it is null).</summary>
    public class CallContext : DispatchProxy
    {
        public Exception? Failure { get; set; }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) =>
            targetMethod?.Name == nameof(IGrainCallContext.Invoke)
                ? Failure is null ? Task.CompletedTask : Task.FromException(Failure)
                : throw new NotSupportedException(targetMethod?.Name);
    }

    private sealed class UnreachableDatabaseException() : DbException("Failed to connect to 172.28.0.2:5432");
}
