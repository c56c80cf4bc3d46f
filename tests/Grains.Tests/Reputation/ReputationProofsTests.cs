using System.Text;
using System.Text.Json.Nodes;
using Marketplace.GrainInterfaces;
using Marketplace.Grains.Tests.Receipts;
using Xunit;
using Xunit.Abstractions;

namespace Marketplace.Grains.Tests.Reputation;

/// <summary>A worker's reputation events rebuilt from receipt and evidence files anyone holds, every signature
/// checked against the registry; files that do not check are named with their reason.</summary>
public sealed class ReputationProofsTests(ITestOutputHelper output) : IDisposable
{
    private static readonly DateTimeOffset At = new(2026, 1, 3, 0, 0, 0, TimeSpan.Zero);
    private readonly CommitteeSamples _committee = new(4);

    public void Dispose() => _committee.Dispose();

    [Fact]
    public void A_completed_run_the_worker_signed_is_a_success_with_the_job_flows_id_and_the_receipts_time()
    {
        var signed = ReceiptSamples.Sign(ReceiptSamples.Golden(), _committee.Keys[0]);
        var proven = Collect("w1", File("r.json", ReceiptJson.Serialize(signed)));

        var e = Assert.Single(proven.Events);
        Assert.Empty(proven.Rejected);
        Assert.Equal(ReputationEventKind.Success, e.Kind);
        Assert.Equal(ReputationEventIds.ForAttempt("job-golden", 2, ReputationEventKind.Success), e.EventId);
        Assert.Equal(signed.Receipt.Timestamp, e.Time);
        Assert.Equal(Convert.ToHexStringLower(signed.ReceiptHash), e.Hash);
        Assert.Equal(CommitteeSamples.Epoch, proven.RegistryEpoch);

        var parameters = new ReputationScoreParameters();
        Assert.Equal(ReputationScore.Of(parameters, null, [e], At), proven.ScoreAt(parameters, At));
        Assert.True(proven.ScoreAt(parameters, At) > parameters.Prior);

        // The same file twice, or the same run through another copy, is one event.
        Assert.Single(Collect("w1", File("a.json", ReceiptJson.Serialize(signed)), File("b.json", ReceiptJson.Serialize(signed))).Events);
    }

    [Fact]
    public void A_run_that_trapped_or_ran_out_of_fuel_proves_nothing_about_the_worker()
    {
        foreach (var outcome in new[] { ReceiptOutcome.Trapped, ReceiptOutcome.OutOfFuel, ReceiptOutcome.Exited })
        {
            var receipt = ReceiptSamples.Golden();
            receipt.Outcome = outcome;
            receipt.OutputHash = new byte[32];
            var proven = Collect("w1", File("r.json", ReceiptJson.Serialize(ReceiptSamples.Sign(receipt, _committee.Keys[0]))));
            Assert.Empty(proven.Events);
            Assert.Empty(proven.Rejected);
        }
    }

    [Fact]
    public void A_committees_aggregate_proves_its_signers_results_and_a_dissenters_own_receipt_proves_its_wrong_result()
    {
        var aggregated = AggregatedReceiptJson.Serialize(_committee.Aggregate(0, 1, 2));
        var dissent = ReceiptSamples.Golden();
        dissent.WorkerId = "w4";
        dissent.OutputHash = ReceiptSamples.Filled(0x5a);
        var dissenting = ReceiptSamples.Sign(dissent, _committee.Keys[3]);

        var executor = Collect("w1", File("agg.json", aggregated));
        Assert.Equal(
            [ReputationEventKind.Success, ReputationEventKind.VerifiedResult],
            executor.Events.Select(e => e.Kind).Order());
        Assert.All(executor.Events, e => Assert.Equal(Convert.ToHexStringLower(ReceiptCodec.Hash(ReceiptSamples.Golden())), e.Hash));

        var member = Collect("w2", File("agg.json", aggregated));
        Assert.Equal(ReputationEventKind.VerifiedResult, Assert.Single(member.Events).Kind);

        // The non-signer: the aggregate alone does not say whether it answered wrong or not at all.
        Assert.Empty(Collect("w4", File("agg.json", aggregated)).Events);
        var wrong = Assert.Single(Collect("w4", File("agg.json", aggregated), File("w4.json", ReceiptJson.Serialize(dissenting))).Events);
        Assert.Equal(ReputationEventKind.WrongResult, wrong.Kind);
        Assert.Equal(ReputationEventIds.ForAttempt("job-golden", 2, ReputationEventKind.WrongResult), wrong.EventId);
        Assert.Equal(Convert.ToHexStringLower(dissenting.ReceiptHash), wrong.Hash);

        // Its receipt alone is a success; beside the aggregate, the committee decides the run.
        Assert.Equal(ReputationEventKind.Success, Assert.Single(Collect("w4", File("w4.json", ReceiptJson.Serialize(dissenting))).Events).Kind);
        var outvoted = Collect("w1", File("agg.json", AggregatedReceiptJson.Serialize(_committee.Aggregate(1, 2, 3))), File("own.json", ReceiptJson.Serialize(ReceiptSamples.Sign(ReceiptSamples.Golden(), _committee.Keys[0]))));
        Assert.DoesNotContain(outvoted.Events, e => e.Kind == ReputationEventKind.Success);
    }

    [Fact]
    public void Double_sign_evidence_under_the_workers_registered_key_zeroes_the_score_and_another_workers_is_unrelated()
    {
        var first = ReceiptSamples.Sign(ReceiptSamples.Golden(), _committee.Keys[0]);
        var other = ReceiptSamples.Golden();
        other.OutputHash = ReceiptSamples.Filled(0x5a);
        other.Timestamp = other.Timestamp.AddMinutes(3);
        var evidence = DoubleSignEvidence.From(first, ReceiptSamples.Sign(other, _committee.Keys[0]));
        var hash = Convert.ToHexStringLower(DoubleSignEvidenceVerifier.Verify(evidence).EvidenceHash);

        var proven = Collect("w1", File("evidence.json", DoubleSignEvidenceJson.Serialize(evidence)), File("r.json", ReceiptJson.Serialize(first)));
        var doubleSign = Assert.Single(proven.Events, e => e.Kind == ReputationEventKind.DoubleSign);
        Assert.Equal("evidence/" + hash, doubleSign.EventId);
        Assert.Equal(other.Timestamp, doubleSign.Time);
        Assert.Equal(0, proven.ScoreAt(new ReputationScoreParameters(), At));

        var unrelated = Collect("w2", File("evidence.json", DoubleSignEvidenceJson.Serialize(evidence)));
        Assert.Empty(unrelated.Events);
        Assert.Equal(1, unrelated.Unrelated);
    }

    [Fact]
    public void Each_file_that_does_not_check_is_named_with_its_reason_and_proves_nothing()
    {
        var signed = ReceiptSamples.Sign(ReceiptSamples.Golden(), _committee.Keys[0]);
        var tampered = JsonNode.Parse(ReceiptJson.Serialize(signed))!;
        tampered["receipt"]!["fuel_consumed"] = 1;
        var byAnotherKey = ReceiptSamples.Sign(ReceiptSamples.Golden(), _committee.Keys[1]);
        var stranger = ReceiptSamples.Golden();
        stranger.WorkerId = "w9";
        var evidence = JsonNode.Parse(DoubleSignEvidenceJson.Serialize(DoubleSignEvidence.From(signed, Other(signed))))!;
        evidence["second"]!["signature"] = evidence["first"]!["signature"]!.GetValue<string>();

        var proven = Collect(
            "w1",
            File("not-json.json", "{ not json"u8.ToArray()),
            File("array.json", "[1,2]"u8.ToArray()),
            File("other-kind.json", "{\"kind\":\"invoice\"}"u8.ToArray()),
            File("empty.json", []),
            File("garbage.json", "{\"kind\":\"executor\",\"receipt\":7}"u8.ToArray()),
            File("tampered.json", Encoding.UTF8.GetBytes(tampered.ToJsonString())),
            File("another-key.json", ReceiptJson.Serialize(byAnotherKey)),
            File("old-epoch.json", AggregatedReceiptJson.Serialize(Reepoch(_committee.Aggregate(0, 1, 2), CommitteeSamples.Epoch - 1))),
            File("forged-evidence.json", Encoding.UTF8.GetBytes(evidence.ToJsonString())),
            File("stranger.json", ReceiptJson.Serialize(ReceiptSamples.Sign(stranger, _committee.Keys[0]))));

        Assert.Empty(proven.Events);
        Assert.Equal(1, proven.Unrelated);
        Assert.Equal(
            [
                ("not-json.json", "unknown_kind"), ("array.json", "unknown_kind"), ("other-kind.json", "unknown_kind"), ("empty.json", "unknown_kind"),
                ("garbage.json", "malformed"), ("tampered.json", "hash_mismatch"), ("another-key.json", "wrong_key"), ("old-epoch.json", "wrong_epoch"),
                ("forged-evidence.json", "bad_signature"),
            ],
            proven.Rejected.Select(r => (r.Name, r.Reason)));
        Assert.All(proven.Rejected, r => Assert.False(string.IsNullOrWhiteSpace(r.Detail)));

        // A worker the registry does not know proves nothing by its own receipts.
        var unknown = Collect("w9", File("stranger.json", ReceiptJson.Serialize(ReceiptSamples.Sign(stranger, _committee.Keys[0]))));
        Assert.Equal("unknown_key", Assert.Single(unknown.Rejected).Reason);
    }

    [Fact]
    public void The_events_and_the_score_do_not_depend_on_the_order_of_the_files()
    {
        var files = new List<ReputationProofFile> { File("agg.json", AggregatedReceiptJson.Serialize(_committee.Aggregate(0, 1, 2))) };
        for (var i = 0; i < 6; i++)
        {
            var receipt = ReceiptSamples.Golden();
            receipt.JobId = "job-" + i;
            receipt.Timestamp = receipt.Timestamp.AddHours(i);
            files.Add(File($"r{i}.json", ReceiptJson.Serialize(ReceiptSamples.Sign(receipt, _committee.Keys[0]))));
        }

        var expected = Collect("w1", [.. files]);
        Assert.Equal(8, expected.Events.Count);
        var seed = Environment.TickCount;
        output.WriteLine($"shuffle seed {seed}");
        var random = new Random(seed);
        for (var round = 0; round < 5; round++)
        {
            var shuffled = files.ToArray();
            random.Shuffle(shuffled);
            var again = Collect("w1", shuffled);
            Assert.Equal(expected.Events.Select(e => e.EventId), again.Events.Select(e => e.EventId));
            Assert.Equal(expected.ScoreAt(new ReputationScoreParameters(), At), again.ScoreAt(new ReputationScoreParameters(), At));
        }
    }

    private ProvenReputation Collect(string workerId, params ReputationProofFile[] files) =>
        ReputationProofs.Collect(workerId, _committee.Registry(), files);

    private static ReputationProofFile File(string name, byte[] bytes) => new(name, bytes);

    private SignedExecutionReceipt Other(SignedExecutionReceipt signed)
    {
        var receipt = ReceiptSamples.Golden();
        receipt.OutputHash = ReceiptSamples.Filled(0x5b);
        return ReceiptSamples.Sign(receipt, _committee.Keys[0]);
    }

    private static AggregatedReceipt Reepoch(AggregatedReceipt aggregated, long epoch)
    {
        aggregated.RegistryEpoch = epoch;
        return aggregated;
    }
}
