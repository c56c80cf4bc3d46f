using Orleans.Concurrency;

namespace Marketplace.Grains.Jobs.Verification;

/// <summary>
/// The job's side of its verification (the job grain, key = job id): how the verification tells the job it moved on
/// its own, between the job's calls (a verdict reached after every drawn member refused or could not be reached).
/// </summary>
internal interface IVerifyingJobGrain : IGrainWithStringKey
{
    /// <summary>The verification moved: a job still verifying reads where it stands now instead of at its next
    /// deadline. One-way, so the verification's turn never waits for the job.</summary>
    [OneWay]
    Task VerificationMovedAsync();
}
