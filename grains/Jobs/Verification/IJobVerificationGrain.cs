using Marketplace.GrainInterfaces;
using Orleans.Concurrency;

namespace Marketplace.Grains.Jobs.Verification;

/// <summary>
/// The verification of one job's accepted run (key = job id): its committee drawn, asked, answered, replaced, and the
/// verdict (settled with an aggregated receipt, disputed, or unverified). Only the job's own grain calls it; every
/// answer carries the log lines written since the job last took them (<c>logsTaken</c>), so the job's history keeps
/// every line exactly once. The verdict stays until the job has stored its end and calls <see cref="ForgetAsync"/>.
/// </summary>
internal interface IJobVerificationGrain : IGrainWithStringKey
{
    /// <summary>Draws the committee for <paramref name="start"/>'s executor receipt and asks its members; for the same
    /// receipt again, answers where the verification stands. A verification of another receipt still open is
    /// abandoned first (its pending members are cancelled).</summary>
    Task<VerificationStep> StartAsync(VerificationStart start);

    /// <summary>A committee member's answer, as the job received it.</summary>
    Task<VerificationStep> ReportAsync([Immutable] AttestationReport report, int logsTaken);

    /// <summary>Replaces members whose deadline passed by <paramref name="now"/> and advances; also how the job reads
    /// where the verification stands after its own activation was lost (<see cref="VerificationStep.Unknown"/> when
    /// nothing is stored).</summary>
    Task<VerificationStep> TickAsync(DateTimeOffset now, int logsTaken);

    /// <summary>Asks each pending member whether it still holds its re-execution and replaces those that do not (their
    /// silo left the cluster).</summary>
    Task<VerificationStep> ReplaceLostSeatsAsync(int logsTaken);

    /// <summary>The verification's own turn: asks the members drawn and stored since, each call bounded, and replaces
    /// those that refuse or cannot be reached. Sent by the grain to itself after a call that drew members; one-way.</summary>
    [OneWay]
    Task AskMembersAsync();

    /// <summary>The job was cancelled: pending members' re-executions are cancelled and the record dropped.</summary>
    Task CancelAsync();

    /// <summary>The job stored the verdict with its end: the record is dropped.</summary>
    Task ForgetAsync();
}
