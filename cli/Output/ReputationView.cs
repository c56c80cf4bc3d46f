using System.Globalization;
using Marketplace.Cli.Commands;
using Marketplace.GrainInterfaces;

namespace Marketplace.Cli.Output;

/// <summary>How a worker's reputation is shown.</summary>
internal static class ReputationView
{
    public static void Show(VerbRun run, WorkerReputation reputation, ReputationRecomputation? recomputation)
    {
        if (run.Json)
        {
            if (recomputation is null)
            {
                JsonOutput.Write(run.Environment.Output, reputation);
            }
            else
            {
                JsonOutput.Write(run.Environment.Output, new ReputationCheck { Reputation = reputation, Recomputed = recomputation });
            }

            return;
        }

        var c = reputation.Counts;
        var rows = new List<(string, string)>
        {
            ("worker", reputation.WorkerId),
            ("score", Score(reputation.Score)),
            ("evaluated", Text.Time(reputation.EvaluatedAt)),
            ("banned", reputation.BannedUntil is { } until ? $"until {Text.Time(until)}: {reputation.BanReason}" : "no"),
            ("successes", Text.Number(c.Successes)),
            ("verified results", Text.Number(c.VerifiedResults)),
            ("failures", Text.Number(c.Failures)),
            ("timeouts", Text.Number(c.Timeouts)),
            ("unavailable", Text.Number(c.Unavailable)),
            ("wrong results", Text.Number(c.WrongResults)),
            ("double signs", Text.Number(c.DoubleSigns)),
            ("latency", string.Create(CultureInfo.InvariantCulture, $"mean {reputation.MeanLatencyMs:0.#} ms, recent {reputation.RecentLatencyMs:0.#} ms")),
            ("events", $"{Text.Number(reputation.EventCount)} ({Text.Number(reputation.Checkpoint.Events)} folded into the checkpoint)"),
        };
        if (recomputation is not null)
        {
            rows.Add(("recomputed", $"{Score(recomputation.Score)} from the checkpoint and {Text.Number(recomputation.Events)} events"));
            rows.Add(("matches", recomputation.Matches ? "yes" : "NO: the reported score differs from the recomputed one"));
            if (recomputation.Proven is { } proven)
            {
                rows.Add(("proven", $"{Text.Number(proven.Events)} events from your files (their score alone {Score(proven.Score)})"));
                rows.Add(("held by the silo", $"{Text.Number(proven.Held)} listed, {Text.Number(proven.Folded)} older than its checkpoint"));
                rows.Add(("not held", proven.MissingFromSilo.Count == 0 ? "none" : $"NO: the silo does not list {Text.Number(proven.MissingFromSilo.Count)} {(proven.MissingFromSilo.Count == 1 ? "event" : "events")} your files prove: {string.Join(", ", proven.MissingFromSilo)}"));
                rows.Add(("unproven", $"{Text.Number(proven.Unproven)} of the silo's success, verified, wrong-result and double-sign events have no file here"));
            }
        }

        run.Environment.Console.Write(Text.Grid([.. rows]));
    }

    private static string Score(double score) => Text.Reputation(score);
}

/// <summary>The JSON of <c>reputation --recompute --json</c>.</summary>
internal sealed class ReputationCheck
{
    /// <summary>The reputation as reported.</summary>
    public WorkerReputation Reputation { get; set; } = new();

    /// <summary>The local recomputation.</summary>
    public ReputationRecomputation Recomputed { get; set; } = new();
}
