using System.CommandLine;
using Marketplace.Cli.Output;
using Marketplace.GrainInterfaces;

namespace Marketplace.Cli.Commands;

/// <summary><c>reputation &lt;worker-id&gt; [--recompute] [--from DIR --registry FILE [--at T]]</c>: a worker's
/// reputation; with <c>--recompute</c> also the score recomputed locally from every event
/// (<see cref="ReputationScore"/>), exiting <see cref="ExitCodes.ReputationMismatch"/> when the two differ. With
/// <c>--from</c> the events a folder of receipt and evidence files proves (<see cref="ReputationProofs"/>): alone,
/// offline, their score; with <c>--recompute</c>, also whether the silo lists every one of them (exit 13 when not).</summary>
internal static class ReputationCommand
{
    /// <summary>Largest difference between reported and recomputed score that counts as equal.</summary>
    public const double Tolerance = 1e-9;

    private const int Attempts = 3;

    public static Command Create(CliContext context)
    {
        var worker = new Argument<string>("worker-id") { Description = "The worker id." };
        var recompute = new Option<bool>("--recompute") { Description = "Fetch every kept event and recompute the score locally at the reported evaluation time; exit 11 when it differs." };
        var from = new Option<string?>("--from")
        {
            Description = "A folder of receipt and evidence files (job-receipt --out, evidence --out): rebuild the events they prove, every signature checked against --registry. Alone it runs offline; with --recompute it also checks that the silo lists each of them.",
        };
        var registry = new Option<string?>("--registry") { Description = "With --from: the worker key registry file (marketplace workers registry --out) the signatures are checked against." };
        var at = new Option<string?>("--at") { Description = "With --from and without --recompute: the time the proven score is evaluated at (ISO 8601; default now)." };
        var command = new Command("reputation", "Show a worker's reputation: score, counts, latencies, ban; or the score a folder of receipts and evidence proves.") { worker, recompute, from, registry, at };
        context.SetAction(command, async run =>
        {
            var id = run.Get(worker)!;
            ProvenReputation? proven = null;
            if (run.Get(from) is { } folder)
            {
                var registryPath = run.Get(registry) ?? throw CliException.Usage("--from needs --registry: a file's own keys prove nothing about which worker holds them.");
                if (run.Get(recompute) && run.Get(at) is not null)
                {
                    throw CliException.Usage("--at: with --recompute the proven score is evaluated at the silo's evaluation time.");
                }

                var when = ReputationProofFolder.At(run.Get(at), run.Environment.Clock);
                proven = await ReputationProofFolder.ReadAsync(id, folder, registryPath, run.CancellationToken).ConfigureAwait(false);
                if (!run.Get(recompute))
                {
                    ProvenReputationView.Show(run, proven, when);
                    return ExitCodes.Ok;
                }
            }
            else if (run.Get(registry) is not null || run.Get(at) is not null)
            {
                throw CliException.Usage("--registry and --at apply with --from.");
            }

            var client = await run.ClientAsync().ConfigureAwait(false);
            if (!run.Get(recompute))
            {
                ReputationView.Show(run, await client.GetWorkerReputationAsync(id, run.CancellationToken).ConfigureAwait(false), null);
                return ExitCodes.Ok;
            }

            var (reputation, events) = await ReadConsistentAsync(client, id, run.CancellationToken).ConfigureAwait(false);
            var recomputed = ReputationScore.Of(reputation.Parameters, reputation.Checkpoint, events, reputation.EvaluatedAt);
            var matches = Math.Abs(recomputed - reputation.Score) <= Tolerance;
            var comparison = proven is null ? null : ReputationProofFolder.Compare(proven, reputation, events);
            ReputationView.Show(run, reputation, new ReputationRecomputation { Score = recomputed, Events = events.Count, Matches = matches, Proven = comparison });
            if (proven is not null)
            {
                ProvenReputationView.ShowRejected(run, proven);
            }

            return matches && comparison is not { MissingFromSilo.Count: > 0 } ? ExitCodes.Ok : ExitCodes.ReputationMismatch;
        });
        return command;
    }

    /// <summary>The reputation and the kept events it was computed from: the events up to its newest sequence
    /// number, starting right after its checkpoint. Events recorded (or folded) between the two reads are told apart
    /// by sequence numbers: later ones are left out, and a fold in between makes it read both again.</summary>
    private static async Task<(WorkerReputation, List<ReputationEvent>)> ReadConsistentAsync(Sdk.IMarketplaceClient client, string id, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var reputation = await client.GetWorkerReputationAsync(id, cancellationToken).ConfigureAwait(false);
            var events = new List<ReputationEvent>();
            string? cursor = null;
            do
            {
                var page = await client.ListWorkerReputationEventsAsync(id, cursor, PageLimits.Max, cancellationToken).ConfigureAwait(false);
                foreach (var e in page.Items)
                {
                    if (e.Sequence > reputation.Checkpoint.ThroughSequence && e.Sequence <= reputation.EventCount)
                    {
                        events.Add(e);
                    }
                }

                cursor = page.NextCursor;
            }
            while (cursor is not null);
            var complete = events.Count == reputation.EventCount - reputation.Checkpoint.ThroughSequence;
            if (complete || attempt == Attempts)
            {
                return (reputation, events);
            }
        }
    }
}

/// <summary>What <c>reputation --recompute</c> found.</summary>
internal sealed class ReputationRecomputation
{
    /// <summary>The score recomputed locally.</summary>
    public double Score { get; set; }

    /// <summary>Events it was recomputed from (besides the checkpoint).</summary>
    public int Events { get; set; }

    /// <summary>Whether it equals the reported score (within <see cref="ReputationCommand.Tolerance"/>).</summary>
    public bool Matches { get; set; }

    /// <summary>With <c>--from</c>: the proven events against the silo's; null otherwise.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public ProvenComparison? Proven { get; set; }
}
