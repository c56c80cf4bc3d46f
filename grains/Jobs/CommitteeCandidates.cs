using Marketplace.GrainInterfaces;

namespace Marketplace.Grains.Jobs;

/// <summary>
/// Who may be drawn for a run's committee: the online workers with a registered key, not the executor and not already
/// seated, and of those only the ones on another host (silo) than the executor's whenever there is any, so a silo's
/// workers never check their own silo's run while another silo can.
/// </summary>
internal static class CommitteeCandidates
{
    /// <summary>The candidates, in registry order (the draw orders them).</summary>
    /// <param name="registry">The worker key registry.</param>
    /// <param name="online">The online workers by host (<see cref="IWorkerDirectoryGrain.ListOnlineHostsAsync"/>).</param>
    /// <param name="exclude">The executor and the workers already seated.</param>
    /// <param name="executorId">The executor, whose host the candidates avoid.</param>
    public static List<string> Select(WorkerKeyRegistry registry, IReadOnlyList<OnlineWorkerHost> online, IReadOnlyCollection<string> exclude, string executorId)
    {
        var hostOf = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var host in online)
        {
            foreach (var worker in host.WorkerIds)
            {
                hostOf[worker] = host.HostId;
            }
        }

        hostOf.TryGetValue(executorId, out var executorHost);
        var elsewhere = new List<string>();
        var sameHost = new List<string>();
        foreach (var key in registry.Workers)
        {
            if (!hostOf.TryGetValue(key.WorkerId, out var host) || exclude.Contains(key.WorkerId) || key.WorkerId == executorId)
            {
                continue;
            }

            (executorHost is not null && host == executorHost ? sameHost : elsewhere).Add(key.WorkerId);
        }

        return elsewhere.Count > 0 ? elsewhere : sameHost;
    }
}
