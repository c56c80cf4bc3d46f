// Design: the events a worker's reputation is made of, rebuilt from files anyone may hold instead of the silo's own
// list. Only what a signature proves is taken: a success from the worker's own signed receipt of a completed run, a
// verified result from a committee's aggregate the worker signed, a wrong result from a committee's aggregate beside
// a different receipt the worker signed for the same run, a double sign from evidence under the worker's key. Keys are
// the registry's (a file's own keys prove nothing about who holds them). Event ids are the job flow's, so a proven
// event and the silo's record of it have one id and can be matched; times are the signed receipts' timestamps.
using Marketplace.GrainInterfaces.Json;

namespace Marketplace.GrainInterfaces;

/// <summary>
/// Rebuilds a worker's provable reputation events from receipt and evidence files, offline, with every signature
/// checked against a <see cref="WorkerKeyRegistry"/> (grains/Reputation/README.md, "Recomputing from proofs").
/// </summary>
/// <remarks>Failures, timeouts and unavailability rest on the silo's word (nothing the worker signed shows them), so
/// they are never proven here; a score from proofs alone leaves them out.</remarks>
public static class ReputationProofs
{
    /// <summary>The events about <paramref name="workerId"/> that <paramref name="files"/> prove.</summary>
    /// <remarks>Never throws for a file's content: a file that is not a JSON object with a known kind, malformed or whose
    /// signatures do not check against <paramref name="registry"/> is listed in
    /// <see cref="ProvenReputation.Rejected"/> with its reason.</remarks>
    public static ProvenReputation Collect(string workerId, WorkerKeyRegistry registry, IEnumerable<ReputationProofFile> files)
    {
        ArgumentException.ThrowIfNullOrEmpty(workerId);
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(files);
        var collection = new Collection(workerId, registry);
        foreach (var file in files)
        {
            ArgumentNullException.ThrowIfNull(file);
            collection.Add(file);
        }

        return collection.Finish();
    }

    private sealed class Collection(string workerId, WorkerKeyRegistry registry)
    {
        private readonly byte[]? _key = KeyOf(registry, workerId);
        private readonly Dictionary<string, ReputationEvent> _events = new(StringComparer.Ordinal);
        private readonly List<RejectedReputationProof> _rejected = [];
        private readonly List<SignedExecutionReceipt> _own = [];
        private readonly List<AggregatedReceipt> _dissented = [];
        private readonly HashSet<(string JobId, int Attempt)> _committeeRuns = [];
        private int _unrelated;

        public void Add(ReputationProofFile file)
        {
            var bytes = file.Bytes ?? [];
            var kind = ReceiptFileJson.KindOf(bytes);
            try
            {
                switch (kind)
                {
                    case SignedExecutionReceipt.ExecutorKind:
                        AddExecutor(file, ReceiptJson.Parse(bytes));
                        break;
                    case AggregatedReceipt.AggregatedKind:
                        AddAggregated(file, AggregatedReceiptJson.Parse(bytes));
                        break;
                    case DoubleSignEvidence.DoubleSignKind:
                        AddDoubleSign(file, DoubleSignEvidenceJson.Parse(bytes));
                        break;
                    case null:
                        Reject(file, "unknown_kind", "not a JSON object with a string member 'kind'");
                        break;
                    default:
                        Reject(file, "unknown_kind", $"kind '{kind}' is none of '{SignedExecutionReceipt.ExecutorKind}', '{AggregatedReceipt.AggregatedKind}', '{DoubleSignEvidence.DoubleSignKind}'");
                        break;
                }
            }
            catch (ReceiptFormatException e)
            {
                Reject(file, "malformed", e.Message);
            }
        }

        public ProvenReputation Finish()
        {
            foreach (var signed in _own)
            {
                var receipt = signed.Receipt;
                // A committee's aggregate decides the run: the executor's success needs its signature there.
                if (receipt.Outcome == ReceiptOutcome.Completed && !_committeeRuns.Contains((receipt.JobId, receipt.Attempt)))
                {
                    Prove(ReputationEventKind.Success, receipt, signed.ReceiptHash);
                }
            }

            foreach (var aggregated in _dissented)
            {
                foreach (var signed in _own)
                {
                    if (string.Equals(signed.Receipt.JobId, aggregated.Receipt.JobId, StringComparison.Ordinal)
                        && signed.Receipt.Attempt == aggregated.Receipt.Attempt
                        && !signed.ReceiptHash.AsSpan().SequenceEqual(aggregated.ReceiptHash))
                    {
                        Prove(ReputationEventKind.WrongResult, signed.Receipt, signed.ReceiptHash);
                        break;
                    }
                }
            }

            var events = new List<ReputationEvent>(_events.Values);
            events.Sort(static (a, b) => a.Time != b.Time ? a.Time.CompareTo(b.Time) : string.CompareOrdinal(a.EventId, b.EventId));
            return new ProvenReputation { WorkerId = workerId, RegistryEpoch = registry.Epoch, Events = events, Rejected = _rejected, Unrelated = _unrelated };
        }

        private void AddExecutor(ReputationProofFile file, SignedExecutionReceipt signed)
        {
            if (!string.Equals(signed.Receipt.WorkerId, workerId, StringComparison.Ordinal))
            {
                _unrelated++;
                return;
            }

            if (_key is null)
            {
                Reject(file, "unknown_key", $"worker '{workerId}' is not in the registry at epoch {registry.Epoch}");
                return;
            }

            var check = ReceiptVerifier.VerifySigned(signed, _key);
            if (!check.IsValid)
            {
                Reject(file, MarketplaceJson.EnumName(check.Failure), check.Detail);
                return;
            }

            _own.Add(signed);
        }

        private void AddAggregated(ReputationProofFile file, AggregatedReceipt aggregated)
        {
            var index = aggregated.Members.FindIndex(m => string.Equals(m.WorkerId, workerId, StringComparison.Ordinal));
            if (index < 0)
            {
                _unrelated++;
                return;
            }

            var check = AggregatedReceiptVerifier.Verify(aggregated, new AggregatedReceiptPolicy { Registry = registry });
            if (!check.IsValid)
            {
                Reject(file, MarketplaceJson.EnumName(check.Failure), check.Detail);
                return;
            }

            var receipt = aggregated.Receipt;
            _committeeRuns.Add((receipt.JobId, receipt.Attempt));
            if (!AggregatedReceiptVerifier.SignerIndexes(aggregated).Contains(index))
            {
                _dissented.Add(aggregated);
                return;
            }

            Prove(ReputationEventKind.VerifiedResult, receipt, aggregated.ReceiptHash);
            if (aggregated.Members[index].Role == CommitteeRole.Executor)
            {
                Prove(ReputationEventKind.Success, receipt, aggregated.ReceiptHash);
            }
        }

        private void AddDoubleSign(ReputationProofFile file, DoubleSignEvidence evidence)
        {
            if (_key is null || !_key.AsSpan().SequenceEqual(evidence.PublicKey ?? []))
            {
                _unrelated++;
                return;
            }

            var check = DoubleSignEvidenceVerifier.Verify(evidence);
            if (!check.IsValid)
            {
                Reject(file, MarketplaceJson.EnumName(check.Failure), check.Detail);
                return;
            }

            var hash = Convert.ToHexStringLower(check.EvidenceHash);
            var first = evidence.First.Receipt;
            var second = evidence.Second.Receipt;
            Add(new ReputationEvent
            {
                EventId = "evidence/" + hash,
                WorkerId = workerId,
                Kind = ReputationEventKind.DoubleSign,
                JobId = first.JobId,
                Time = first.Timestamp > second.Timestamp ? first.Timestamp : second.Timestamp,
                Hash = hash,
            });
        }

        private void Prove(ReputationEventKind kind, ExecutionReceipt receipt, byte[] hash) => Add(new ReputationEvent
        {
            EventId = ReputationEventIds.ForAttempt(receipt.JobId, receipt.Attempt, kind),
            WorkerId = workerId,
            Kind = kind,
            JobId = receipt.JobId,
            Time = receipt.Timestamp,
            Hash = Convert.ToHexStringLower(hash),
        });

        private void Add(ReputationEvent e) => _events.TryAdd(e.EventId, e);

        private void Reject(ReputationProofFile file, string reason, string detail) =>
            _rejected.Add(new RejectedReputationProof(file.Name, reason, string.Join(' ', detail.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries))));

        private static byte[]? KeyOf(WorkerKeyRegistry registry, string workerId)
        {
            foreach (var worker in registry.Workers ?? [])
            {
                if (worker is not null && string.Equals(worker.WorkerId, workerId, StringComparison.Ordinal))
                {
                    return worker.PublicKey;
                }
            }

            return null;
        }
    }
}
