using Marketplace.GrainInterfaces;

namespace Marketplace.Grains.Jobs;

/// <summary>A job's committee as the job persists it: the draw, every seat (executor first), every distinct result,
/// the evidence against losers and, once settled, the aggregated receipt.</summary>
[GenerateSerializer]
[Alias("marketplace.committee-record")]
internal sealed class CommitteeRecord
{
    /// <summary>Committee size asked for (k): workers drawn per round.</summary>
    [Id(0)] public int Size { get; set; }

    /// <summary><see cref="CommitteeDraw.Seed"/> of the executor's receipt hash.</summary>
    [Id(1)] public byte[] DrawSeed { get; set; } = [];

    /// <summary>The worker key registry's epoch at the first draw.</summary>
    [Id(2)] public long RegistryEpoch { get; set; }

    /// <summary>The candidates of the first draw (online workers with registered keys other than the executor).</summary>
    [Id(3)] public List<string> Candidates { get; set; } = [];

    /// <summary>Every worker asked, executor first, then in the order drawn.</summary>
    [Id(4)] public List<CommitteeSeat> Seats { get; set; } = [];

    /// <summary>Every distinct result so far, the executor's first.</summary>
    [Id(5)] public List<CommitteeResult> Results { get; set; } = [];

    /// <summary>Re-run rounds drawn so far.</summary>
    [Id(6)] public int RerunRounds { get; set; }

    /// <summary>Losers' signed claims against the settled receipt.</summary>
    [Id(7)] public List<CommitteeEvidence> Evidence { get; set; } = [];

    /// <summary>The settled receipt (null until settled, and for a disputed job).</summary>
    [Id(8)] public AggregatedReceipt? Aggregated { get; set; }

    /// <summary>True once the committee settled or the job was found disputed.</summary>
    [Id(9)] public bool Closed { get; set; }
}

/// <summary>Where one committee seat stands.</summary>
internal enum SeatStatus
{
    /// <summary>Asked, no answer yet.</summary>
    Pending = 0,

    /// <summary>The executor: its accepted receipt.</summary>
    Executed = 1,

    /// <summary>Signed a candidate's receipt hash.</summary>
    Agreed = 2,

    /// <summary>Returned its own signed receipt of another result.</summary>
    Dissented = 3,

    /// <summary>Did not answer by its deadline, refused, or could not re-execute; replaced.</summary>
    Unavailable = 4,

    /// <summary>Answered with a claim that does not check (not aggregated); replaced.</summary>
    Rejected = 5,

    /// <summary>Could not re-execute through no fault of its own: the program state the run read is no longer kept
    /// (checked with the state). Not replaced (no worker could) and not penalised.</summary>
    Excused = 6,
}

/// <summary>One worker asked to run the job for its committee (or the executor).</summary>
[GenerateSerializer]
[Alias("marketplace.committee-seat")]
internal sealed class CommitteeSeat
{
    [Id(0)] public string WorkerId { get; set; } = "";

    /// <summary>The worker's registered BLS key (48 bytes).</summary>
    [Id(1)] public byte[] PublicKey { get; set; } = [];

    [Id(2)] public CommitteeRole Role { get; set; }

    [Id(3)] public SeatStatus Status { get; set; }

    /// <summary>The request's token (the re-execution's <see cref="JobAssignment.AttemptId"/>).</summary>
    [Id(4)] public string RequestId { get; set; } = "";

    /// <summary>When an unanswered request is given up.</summary>
    [Id(5)] public DateTimeOffset Deadline { get; set; }

    /// <summary>The result digest of the seat's run (hex), once answered.</summary>
    [Id(6)] public string? ResultDigest { get; set; }

    /// <summary>The receipt hash the seat's signature is over.</summary>
    [Id(7)] public byte[]? SignedHash { get; set; }

    /// <summary>The seat's BLS signature over <see cref="SignedHash"/>.</summary>
    [Id(8)] public byte[]? Signature { get; set; }

    /// <summary>The seat's own signed receipt (executor and dissenters).</summary>
    [Id(9)] public SignedExecutionReceipt? Receipt { get; set; }

    /// <summary>Why the seat is unavailable or rejected.</summary>
    [Id(10)] public string? Note { get; set; }

    /// <summary>Drawn and stored, but its worker not asked yet: the ask runs in the verification's own turn after the
    /// draw was stored, so no call that moves the verification waits on a member's silo.</summary>
    [Id(11)] public bool Unasked { get; set; }
}

/// <summary>One distinct result (by result digest) with its representative receipt and output.</summary>
[GenerateSerializer]
[Alias("marketplace.committee-result")]
internal sealed class CommitteeResult
{
    /// <summary><see cref="ReceiptCodec.ResultDigest"/>, hex.</summary>
    [Id(0)] public string ResultDigest { get; set; } = "";

    /// <summary>The first receipt of this result: the one agreements sign and the aggregate is over.</summary>
    [Id(1)] public SignedExecutionReceipt Representative { get; set; } = new();

    [Id(2)] public string? OutputBlobId { get; set; }

    [Id(3)] public long OutputSize { get; set; }
}

/// <summary>A losing worker's signed claim, kept against the settled receipt.</summary>
[GenerateSerializer]
[Alias("marketplace.committee-evidence")]
internal sealed class CommitteeEvidence
{
    [Id(0)] public string WorkerId { get; set; } = "";

    [Id(1)] public CommitteeRole Role { get; set; }

    /// <summary>The loser's result digest, hex.</summary>
    [Id(2)] public string ResultDigest { get; set; } = "";

    /// <summary>Its own signed receipt (executor or dissent), if it returned one.</summary>
    [Id(3)] public SignedExecutionReceipt? Receipt { get; set; }

    /// <summary>The receipt hash it signed and its signature (an agreement with a losing candidate).</summary>
    [Id(4)] public byte[]? SignedHash { get; set; }

    [Id(5)] public byte[]? Signature { get; set; }

    /// <summary>The settled aggregated receipt's hash it lost against.</summary>
    [Id(6)] public byte[] SettledReceiptHash { get; set; } = [];
}
