using Marketplace.GrainInterfaces;

namespace Marketplace.Cli.Output;

/// <summary>How <c>reputation --from</c> shows the events a folder of files proves.</summary>
internal static class ProvenReputationView
{
    public static void Show(VerbRun run, ProvenReputation proven, DateTimeOffset at)
    {
        var parameters = new ReputationScoreParameters();
        var score = proven.ScoreAt(parameters, at);
        if (run.Json)
        {
            JsonOutput.Write(run.Environment.Output, new ProvenReputationJson
            {
                WorkerId = proven.WorkerId,
                RegistryEpoch = proven.RegistryEpoch,
                At = at,
                Score = score,
                Events = proven.Events,
                Rejected = proven.Rejected,
                Unrelated = proven.Unrelated,
            });
            return;
        }

        int Count(ReputationEventKind kind)
        {
            var n = 0;
            foreach (var e in proven.Events)
            {
                n += e.Kind == kind ? 1 : 0;
            }

            return n;
        }

        run.Environment.Console.Write(Text.Grid(
            ("worker", proven.WorkerId),
            ("registry epoch", Text.Number(proven.RegistryEpoch)),
            ("proven events", Text.Number(proven.Events.Count)),
            ("successes", Text.Number(Count(ReputationEventKind.Success))),
            ("verified results", Text.Number(Count(ReputationEventKind.VerifiedResult))),
            ("wrong results", Text.Number(Count(ReputationEventKind.WrongResult))),
            ("double signs", Text.Number(Count(ReputationEventKind.DoubleSign))),
            ("score", $"{Text.Reputation(score)} at {Text.Time(at)}, default parameters, from these proofs alone (failures, timeouts and unavailability rest on the silo's word and are not in it)"),
            ("files", $"{Text.Number(proven.Unrelated)} about other workers, {Text.Number(proven.Rejected.Count)} rejected")));
        ShowRejected(run, proven);
    }

    /// <summary>One line per rejected file on standard error: <c>rejected NAME: REASON: DETAIL</c>.</summary>
    public static void ShowRejected(VerbRun run, ProvenReputation proven)
    {
        if (run.Json)
        {
            return;
        }

        foreach (var rejected in proven.Rejected)
        {
            run.Environment.Error.WriteLine($"rejected {rejected.Name}: {rejected.Reason}: {rejected.Detail}");
        }
    }
}

/// <summary>The JSON of <c>reputation --from --json</c>.</summary>
internal sealed class ProvenReputationJson
{
    public string WorkerId { get; set; } = "";

    public long RegistryEpoch { get; set; }

    public DateTimeOffset At { get; set; }

    public double Score { get; set; }

    public IReadOnlyList<ReputationEvent> Events { get; set; } = [];

    public IReadOnlyList<RejectedReputationProof> Rejected { get; set; } = [];

    public int Unrelated { get; set; }
}
