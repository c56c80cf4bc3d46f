using Marketplace.GrainInterfaces;

namespace Marketplace.Grains.Jobs.Verification;

/// <summary>What a job hands its verification: the executor's accepted run and what a member's run and claims are
/// checked against.</summary>
[GenerateSerializer]
[Alias("marketplace.verification-start")]
[Immutable]
internal sealed class VerificationStart
{
    /// <summary>The executor's accepted, signed receipt (seat 0 and result 0).</summary>
    [Id(0)] public SignedExecutionReceipt Executor { get; set; } = new();

    /// <summary>The executor's output blob and size.</summary>
    [Id(1)] public string? OutputBlobId { get; set; }

    [Id(2)] public long OutputSize { get; set; }

    /// <summary>Committee size asked for (k), at least 1.</summary>
    [Id(3)] public int CommitteeSize { get; set; }

    /// <summary>The run a member re-executes; each request gets its own <see cref="JobAssignment.AttemptId"/> and the
    /// state root the executor read.</summary>
    [Id(4)] public JobAssignment Run { get; set; } = new();

    /// <summary>The invocation hash a WASI receipt of this job carries (<see cref="ReceiptInvocation.Hash"/>).</summary>
    [Id(5)] public byte[] WasiInvocationHash { get; set; } = [];

    /// <summary>SHA-256 of the job's input.</summary>
    [Id(6)] public byte[] InputHash { get; set; } = [];

    /// <summary>A committee a job stored inside its own state (before verification had a grain of its own), taken
    /// over as it stands.</summary>
    [Id(7)] public CommitteeRecord? Adopted { get; set; }
}
