using System.Globalization;
using Marketplace.GrainInterfaces.Json;

namespace Marketplace.GrainInterfaces;

/// <summary>Ids of the reputation events the job flow records.</summary>
public static class ReputationEventIds
{
    /// <summary>The id of the <paramref name="kind"/> event of attempt <paramref name="attempt"/> of job
    /// <paramref name="jobId"/>: <c>{jobId}/{attempt}/{kind}</c>, e.g. <c>job…/2/timeout</c>. One attempt has at most
    /// one event of each kind, so a retried record of it is recognised.</summary>
    public static string ForAttempt(string jobId, int attempt, ReputationEventKind kind)
    {
        ArgumentException.ThrowIfNullOrEmpty(jobId);
        return string.Create(CultureInfo.InvariantCulture, $"{jobId}/{attempt}/{MarketplaceJson.EnumName(kind)}");
    }
}
