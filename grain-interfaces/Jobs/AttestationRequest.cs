namespace Marketplace.GrainInterfaces;

/// <summary>
/// A job asks a committee member to re-execute its run (<see cref="IWorkerGrain.AttestAsync"/>): the member runs
/// <see cref="Run"/> (the same program, input, arguments, environment, clock start and limits), compares the result
/// digest of its run with each of <see cref="Candidates"/> and answers
/// <see cref="IJobAttemptGrain.ReportAttestationAsync"/> with a signature over the matching candidate's receipt hash or
/// with its own signed receipt (a dissent).
/// </summary>
/// <remarks>Never changed once sent ([Immutable]).</remarks>
[GenerateSerializer]
[Alias("marketplace.attestation-request")]
[Immutable]
public sealed class AttestationRequest
{
    /// <summary>What to run; <see cref="JobAssignment.AttemptId"/> is this request's token, which the answer carries.</summary>
    [Id(0)] public JobAssignment Run { get; set; } = new();

    /// <summary>The receipts the member may agree with, one per distinct result so far (the executor's first).</summary>
    [Id(1)] public List<SignedExecutionReceipt> Candidates { get; set; } = [];
}

/// <summary>A committee member's answer to an <see cref="AttestationRequest"/>.</summary>
/// <remarks>Never changed once sent ([Immutable]).</remarks>
[GenerateSerializer]
[Alias("marketplace.attestation-report")]
[Immutable]
public sealed class AttestationReport
{
    /// <summary>The request's token (<see cref="JobAssignment.AttemptId"/> of <see cref="AttestationRequest.Run"/>).</summary>
    [Id(0)] public string RequestId { get; set; } = "";

    /// <summary>The member.</summary>
    [Id(1)] public string WorkerId { get; set; } = "";

    /// <summary>Agreement: the receipt hash of the candidate whose result digest the member's run matched.</summary>
    [Id(2)] public byte[]? AgreedReceiptHash { get; set; }

    /// <summary>Agreement: the member's BLS signature over <see cref="AgreedReceiptHash"/>.</summary>
    [Id(3)] public byte[]? Signature { get; set; }

    /// <summary>Dissent: the member's own signed receipt of its run (no candidate matched).</summary>
    [Id(4)] public SignedExecutionReceipt? Dissent { get; set; }

    /// <summary>Dissent of a completed run: the member's output blob (null for an empty output).</summary>
    [Id(5)] public string? OutputBlobId { get; set; }

    /// <summary>Dissent of a completed run: the output's size in bytes.</summary>
    [Id(6)] public long OutputSize { get; set; }

    /// <summary>The member could not re-execute (the run timed out, was interrupted, or its program is missing
    /// there): why. Counts as an unavailable member.</summary>
    [Id(7)] public string? Unable { get; set; }

    /// <summary>With <see cref="Unable"/>: the program's state at the run's root is no longer kept, so no worker can
    /// re-execute it. The job checks that with the state before it excuses the member.</summary>
    [Id(8)] public bool StateUnavailable { get; set; }
}
