using System.Globalization;

namespace Marketplace.Grains.Reputation;

/// <summary>Whether a worker's reputation lets it bid, and if not, why, in words a client can act on.</summary>
internal static class ReputationEligibility
{
    /// <summary>Null when <paramref name="workerId"/> may bid at <paramref name="now"/>: not banned, score at least
    /// <paramref name="minimum"/>; else the reason, naming the end of the ban.</summary>
    public static string? Check(string workerId, double score, DateTimeOffset? bannedUntil, string? banReason, DateTimeOffset now, double minimum)
    {
        if (bannedUntil is { } until && until > now)
        {
            return string.Create(CultureInfo.InvariantCulture, $"worker {workerId} is banned until {until.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}: {banReason ?? "no reason recorded"}");
        }

        return score < minimum
            ? string.Create(CultureInfo.InvariantCulture, $"worker {workerId} has reputation {score:0.000}, below the minimum {minimum:0.###} to bid")
            : null;
    }
}
