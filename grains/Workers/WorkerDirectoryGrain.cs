using Marketplace.GrainInterfaces;
using Marketplace.Grains.Jobs;
using Microsoft.Extensions.Options;

namespace Marketplace.Grains.Workers;

/// <summary>Every worker heard from, kept in memory (each worker grain announces its registration and every heartbeat
/// here, so the list is rebuilt within one heartbeat interval after the directory moves or restarts), and the worker key
/// registry, persisted (its epoch must never go back).</summary>
[CollectionAgeLimit(AlwaysActive = true)]
internal sealed class WorkerDirectoryGrain(
    [PersistentState("worker-keys")] IPersistentState<WorkerKeyRegistryState> keys,
    IOptions<JobsOptions> options) : Grain, IWorkerDirectoryGrain
{
    private WorkerKeyRegistry? _registry;

    private readonly Dictionary<string, WorkerInfo> _workers = new(StringComparer.Ordinal);
    private readonly SortedSet<string> _ids = new(StringComparer.Ordinal);
    private readonly TimeSpan _offlineAfter = options.Value.WorkerOfflineAfter;
    private readonly DateTimeOffset _listeningSince = DateTimeOffset.UtcNow;

    // Workers whose silo said they are leaving, and when: announcements of theirs from before then are stale.
    private readonly Dictionary<string, DateTimeOffset> _left = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // Workers announced on the capabilities stream before their heartbeats became calls to this grain: a
        // subscription kept from then (pub-sub state is stored) is dropped, so the providers' advertisements on that
        // stream are no longer delivered here.
        var stream = this.GetStreamProvider(MarketplaceStreams.Provider)
            .GetStream<object>(StreamId.Create(MarketplaceStreams.Capabilities, MarketplaceStreams.BroadcastKey));
        foreach (var handle in await stream.GetAllSubscriptionHandles())
        {
            await handle.UnsubscribeAsync();
        }
    }

    /// <inheritdoc />
    public Task<List<WorkerInfo>> ListAsync(string? after, int limit)
    {
        PageLimits.CheckGrainCall(limit);
        var now = DateTimeOffset.UtcNow;
        var ids = _ids;
        if (after is not null)
        {
            if (_ids.Max is not { } max || string.CompareOrdinal(after, max) >= 0)
            {
                return Task.FromResult(new List<WorkerInfo>());
            }

            ids = _ids.GetViewBetween(after, max);
        }

        var list = new List<WorkerInfo>(Math.Min(limit, ids.Count));
        foreach (var id in ids)
        {
            if (list.Count == limit)
            {
                break;
            }

            if (after is not null && string.CompareOrdinal(id, after) <= 0)
            {
                continue;
            }

            var worker = _workers[id];
            worker.Online = now - worker.LastHeartbeat < _offlineAfter;
            list.Add(worker);
        }

        return Task.FromResult(list);
    }

    /// <inheritdoc />
    public Task<int> CountAsync() => Task.FromResult(_workers.Count);

    /// <inheritdoc />
    public Task AnnounceAsync(WorkerInfo worker)
    {
        ArgumentNullException.ThrowIfNull(worker);
        if (_left.TryGetValue(worker.WorkerId, out var leftAt))
        {
            if (worker.LastHeartbeat <= leftAt)
            {
                return Task.CompletedTask; // sent before its silo said it was leaving
            }

            _left.Remove(worker.WorkerId);
        }

        _workers[worker.WorkerId] = worker;
        _ids.Add(worker.WorkerId);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<DateTimeOffset> GetListeningSinceAsync() => Task.FromResult(_listeningSince);

    /// <inheritdoc />
    public Task<string[]> ListOnlineIdsAsync()
    {
        var now = DateTimeOffset.UtcNow;
        var count = 0;
        foreach (var worker in _workers.Values)
        {
            if (now - worker.LastHeartbeat < _offlineAfter)
            {
                count++;
            }
        }

        var ids = new string[count];
        var i = 0;
        foreach (var worker in _workers.Values)
        {
            if (i < count && now - worker.LastHeartbeat < _offlineAfter)
            {
                ids[i++] = worker.WorkerId;
            }
        }

        return Task.FromResult(ids);
    }

    /// <inheritdoc />
    public Task<OnlineWorkerHost[]> ListOnlineHostsAsync()
    {
        var now = DateTimeOffset.UtcNow;
        var hosts = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var worker in _workers.Values)
        {
            if (now - worker.LastHeartbeat >= _offlineAfter)
            {
                continue;
            }

            // A worker announced without a host (not hosted by a silo when it last heartbeat) is its own host.
            var host = worker.HostId.Length > 0 ? worker.HostId : worker.WorkerId;
            if (!hosts.TryGetValue(host, out var ids))
            {
                hosts[host] = ids = [];
            }

            ids.Add(worker.WorkerId);
        }

        var list = new OnlineWorkerHost[hosts.Count];
        var i = 0;
        foreach (var (host, ids) in hosts)
        {
            ids.Sort(StringComparer.Ordinal);
            list[i++] = new OnlineWorkerHost { HostId = host, WorkerIds = [.. ids] };
        }

        return Task.FromResult(list);
    }

    /// <inheritdoc />
    public async Task<long> RegisterKeyAsync(RegisteredWorkerKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (keys.State.Keys.TryGetValue(key.WorkerId, out var known)
            && known.PublicKey.AsSpan().SequenceEqual(key.PublicKey)
            && known.ProofOfPossession.AsSpan().SequenceEqual(key.ProofOfPossession))
        {
            return keys.State.Epoch;
        }

        if (known is null || !known.PublicKey.AsSpan().SequenceEqual(key.PublicKey))
        {
            keys.State.Epoch++;
        }

        keys.State.Keys[key.WorkerId] = new RegisteredWorkerKey
        {
            WorkerId = key.WorkerId,
            PublicKey = key.PublicKey.ToArray(),
            ProofOfPossession = key.ProofOfPossession.ToArray(),
        };
        _registry = null;
        await keys.WriteStateAsync();
        return keys.State.Epoch;
    }

    /// <inheritdoc />
    public Task<WorkerKeyRegistry> GetKeyRegistryAsync()
    {
        if (_registry is null)
        {
            var workers = new List<RegisteredWorkerKey>(keys.State.Keys.Values);
            workers.Sort(static (a, b) => string.CompareOrdinal(a.WorkerId, b.WorkerId));
            _registry = new WorkerKeyRegistry { Epoch = keys.State.Epoch, Workers = workers };
        }

        return Task.FromResult(_registry);
    }

    /// <inheritdoc />
    public Task LeaveAsync(string[] workerIds)
    {
        ArgumentNullException.ThrowIfNull(workerIds);
        var now = DateTimeOffset.UtcNow;
        foreach (var id in workerIds)
        {
            if (id is not null && _workers.TryGetValue(id, out var worker))
            {
                _left[id] = now;
                worker.LastHeartbeat = DateTimeOffset.MinValue;
                worker.Online = false;
            }
        }

        return Task.CompletedTask;
    }
}
