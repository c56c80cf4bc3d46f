using System.Globalization;
using Marketplace.GrainInterfaces;

namespace Marketplace.Cli.Commands;

/// <summary>The <c>reputation --from DIR --registry FILE</c> part: reads every <c>*.json</c> file of a folder and
/// rebuilds the worker's provable events from them (<see cref="ReputationProofs"/>), and compares them with the
/// events the silo holds.</summary>
internal static class ReputationProofFolder
{
    /// <summary>Largest file read as a proof; a receipt or evidence file is a few kilobytes.</summary>
    public const int MaxFileBytes = 1 << 20;

    /// <summary>Most files read from one folder.</summary>
    public const int MaxFiles = 100_000;

    /// <summary>The events the files in <paramref name="folder"/> prove about <paramref name="workerId"/>.</summary>
    public static async Task<ProvenReputation> ReadAsync(string workerId, string folder, string registryPath, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(folder))
        {
            throw CliException.Usage(File.Exists(folder) ? $"--from: '{folder}' is a file, not a folder of receipt and evidence files." : $"--from: folder '{folder}' does not exist.");
        }

        var registry = await VerifyReceiptCommand.ReadRegistryAsync(registryPath, cancellationToken).ConfigureAwait(false);
        var paths = Directory.GetFiles(folder, "*.json", SearchOption.TopDirectoryOnly);
        if (paths.Length > MaxFiles)
        {
            throw CliException.Usage($"--from: {paths.Length} files; at most {MaxFiles} are read at once.");
        }

        Array.Sort(paths, StringComparer.Ordinal);
        var files = new List<ReputationProofFile>(paths.Length);
        var tooLarge = new List<RejectedReputationProof>();
        foreach (var path in paths)
        {
            var name = Path.GetFileName(path);
            var length = new FileInfo(path).Length;
            if (length > MaxFileBytes)
            {
                tooLarge.Add(new RejectedReputationProof(name, "too_large", string.Create(CultureInfo.InvariantCulture, $"{length} bytes; a proof file is at most {MaxFileBytes}")));
                continue;
            }

            try
            {
                files.Add(new ReputationProofFile(name, await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false)));
            }
            catch (IOException e)
            {
                throw new CliException("io", ExitCodes.Usage, $"--from: cannot read '{path}': {e.Message}");
            }
            catch (UnauthorizedAccessException e)
            {
                throw new CliException("io", ExitCodes.Usage, $"--from: cannot read '{path}': {e.Message}");
            }
        }

        var proven = ReputationProofs.Collect(workerId, registry, files);
        return tooLarge.Count == 0 ? proven : new ProvenReputation
        {
            WorkerId = proven.WorkerId,
            RegistryEpoch = proven.RegistryEpoch,
            Events = proven.Events,
            Rejected = [.. tooLarge, .. proven.Rejected],
            Unrelated = proven.Unrelated,
        };
    }

    /// <summary>Compares <paramref name="proven"/> with the silo's kept events and checkpoint.</summary>
    public static ProvenComparison Compare(ProvenReputation proven, WorkerReputation reputation, IReadOnlyList<ReputationEvent> kept)
    {
        var held = new HashSet<string>(StringComparer.Ordinal);
        foreach (var e in kept)
        {
            held.Add(e.EventId);
        }

        var proved = new HashSet<string>(StringComparer.Ordinal);
        var missing = new List<string>();
        var folded = 0;
        var checkpointAt = reputation.Checkpoint.Events > 0 ? reputation.Checkpoint.At : (DateTimeOffset?)null;
        foreach (var e in proven.Events)
        {
            proved.Add(e.EventId);
            if (held.Contains(e.EventId))
            {
                continue;
            }

            // An event older than the checkpoint may have been folded into it: the silo no longer lists it.
            if (checkpointAt is { } at && e.Time <= at)
            {
                folded++;
            }
            else
            {
                missing.Add(e.EventId);
            }
        }

        var unproven = 0;
        foreach (var e in kept)
        {
            if (e.Kind is ReputationEventKind.Success or ReputationEventKind.VerifiedResult or ReputationEventKind.WrongResult or ReputationEventKind.DoubleSign
                && !proved.Contains(e.EventId))
            {
                unproven++;
            }
        }

        return new ProvenComparison
        {
            Score = proven.ScoreAt(reputation.Parameters, reputation.EvaluatedAt),
            Events = proven.Events.Count,
            Held = proven.Events.Count - folded - missing.Count,
            Folded = folded,
            MissingFromSilo = missing,
            Unproven = unproven,
            Rejected = proven.Rejected,
        };
    }

    /// <summary>The <c>--at</c> time, or the clock's now.</summary>
    public static DateTimeOffset At(string? text, TimeProvider clock) =>
        text is null ? clock.GetUtcNow()
        : DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value) ? value
        : throw CliException.Usage($"--at: '{text}' is not an ISO 8601 time.");
}

/// <summary>What <c>reputation --recompute --from</c> found comparing the proven events with the silo's.</summary>
internal sealed class ProvenComparison
{
    /// <summary>The score of the proven events alone at the silo's evaluation time, with its parameters.</summary>
    public double Score { get; set; }

    /// <summary>Events the files prove.</summary>
    public int Events { get; set; }

    /// <summary>Proven events the silo lists.</summary>
    public int Held { get; set; }

    /// <summary>Proven events older than the silo's checkpoint, which may be folded into it.</summary>
    public int Folded { get; set; }

    /// <summary>Ids of proven events newer than the checkpoint that the silo does not list.</summary>
    public List<string> MissingFromSilo { get; set; } = [];

    /// <summary>Success, verified-result, wrong-result and double-sign events the silo lists that no file here proves.</summary>
    public int Unproven { get; set; }

    /// <summary>Files that did not check, with their reasons.</summary>
    public IReadOnlyList<RejectedReputationProof> Rejected { get; set; } = [];
}
