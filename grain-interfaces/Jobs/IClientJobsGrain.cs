namespace Marketplace.GrainInterfaces;

/// <summary>The jobs of one client (key = client id), newest first; jobs add themselves on submit.</summary>
public interface IClientJobsGrain : IGrainWithStringKey
{
    /// <summary>Records a job of this client (called by <see cref="IJobGrain"/>).</summary>
    Task AddAsync(JobSummary job);

    /// <summary>Updates the summary of a recorded job (called by <see cref="IJobGrain"/> on state changes).</summary>
    Task UpdateAsync(JobSummary job);

    /// <summary>Up to <paramref name="limit"/> jobs, newest first, optionally only those in <paramref name="status"/>.</summary>
    Task<List<JobSummary>> ListAsync(JobStatus? status, int limit);
}
