using System.Globalization;

namespace Marketplace.Chaos;

/// <summary>Where on the round's timeline the client's unanswered tries fell.</summary>
internal sealed partial class ChaosRun
{
    /// <summary>Prints the harness's actions on the cluster during the round, in seconds from the fault (the slow
    /// accepts are printed in the same seconds), and each silo's unanswered tries grouped by the last action before
    /// they were sent: whether they went to a silo just started, one stopping, or one the fault left alone.</summary>
    private void PrintUnansweredTimeline(List<SubmittedJob> jobs, DateTimeOffset faultAt, DateTimeOffset streamStart)
    {
        var unanswered = jobs.SelectMany(j => j.Unanswered).OrderBy(t => t.SentAt).ToList();
        var events = cluster.Events.Where(e => e.At >= streamStart).ToList();
        if (events.Count > 0)
        {
            output.WriteLine("  harness actions    " + string.Join(", ", events.Select(e => $"{Seconds(e.At - faultAt)} {e.What}")));
        }

        var groups = new SortedDictionary<string, (int Count, TimeSpan First, TimeSpan Last)>(StringComparer.Ordinal);
        foreach (var (service, sentAt) in unanswered)
        {
            var last = events.LastOrDefault(e => e.At <= sentAt);
            var key = $"{service} after \"{last.What ?? "the stream's start"}\"";
            var since = sentAt - (last.What is null ? streamStart : last.At);
            groups[key] = groups.TryGetValue(key, out var g) ? (g.Count + 1, g.First, since) : (1, since, since);
        }

        foreach (var (key, (count, first, last)) in groups)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  unanswered         {count} × {key}, sent {first.TotalSeconds:0.0}-{last.TotalSeconds:0.0} s after it"));
        }
    }

    private static string Seconds(TimeSpan span) => span.TotalSeconds.ToString("+0.0 s;-0.0 s", CultureInfo.InvariantCulture);
}
