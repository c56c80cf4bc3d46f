using Marketplace.GrainInterfaces;
using Microsoft.Extensions.Options;

namespace Marketplace.Grains.Jobs;

/// <summary>Checks <see cref="JobsOptions"/> at start and names every failing field with its value.</summary>
internal sealed class JobsOptionsValidator : IValidateOptions<JobsOptions>
{
    private const string Section = "Marketplace:Jobs";

    public ValidateOptionsResult Validate(string? name, JobsOptions options)
    {
        var problems = new List<string>();
        NotNegative(problems, nameof(options.BidWindow), options.BidWindow);
        NotNegative(problems, nameof(options.BidWaitLimit), options.BidWaitLimit);
        NotNegative(problems, nameof(options.RetryBaseDelay), options.RetryBaseDelay);
        NotNegative(problems, nameof(options.ResumeGrace), options.ResumeGrace);
        NotNegative(problems, nameof(options.MaxRetryDelay), options.MaxRetryDelay);
        NotNegative(problems, nameof(options.OnlineWorkersCacheAge), options.OnlineWorkersCacheAge);
        NotNegative(problems, nameof(options.FinishedJobIdle), options.FinishedJobIdle);
        Positive(problems, nameof(options.BusyWaitBase), options.BusyWaitBase);
        Positive(problems, nameof(options.BusyWaitMax), options.BusyWaitMax);
        Positive(problems, nameof(options.WokenWaitMax), options.WokenWaitMax);
        NotNegative(problems, nameof(options.AbsentWorkerWait), options.AbsentWorkerWait);
        Positive(problems, nameof(options.LeaseDuration), options.LeaseDuration);
        Positive(problems, nameof(options.HeartbeatInterval), options.HeartbeatInterval);
        Positive(problems, nameof(options.WorkerOfflineAfter), options.WorkerOfflineAfter);
        Positive(problems, nameof(options.ClientListFlushDelay), options.ClientListFlushDelay);
        Positive(problems, nameof(options.ClientListCheckInterval), options.ClientListCheckInterval);
        Positive(problems, nameof(options.WatchdogAtSubmitWait), options.WatchdogAtSubmitWait);
        Positive(problems, nameof(options.EscrowAtSubmitWait), options.EscrowAtSubmitWait);
        NotNegative(problems, nameof(options.SubmitFailoverWait), options.SubmitFailoverWait);
        if (!(options.ReputationAtPar is > 0 and <= 1))
        {
            problems.Add($"{Section}:{nameof(options.ReputationAtPar)} is {options.ReputationAtPar}; it must be above 0 and at most 1");
        }
        if (options.WatchdogAfter < TimeSpan.Zero)
        {
            problems.Add($"{Section}:{nameof(options.WatchdogAfter)} is {options.WatchdogAfter}; it must not be negative");
        }
        Positive(problems, nameof(options.WatchdogPeriod), options.WatchdogPeriod);
        Positive(problems, nameof(options.SettlementRetryDelay), options.SettlementRetryDelay);
        Positive(problems, nameof(options.StakeRefreshInterval), options.StakeRefreshInterval);
        if (options.DefaultMaxPricePerMillionFuel < 0)
        {
            problems.Add($"{Section}:{nameof(options.DefaultMaxPricePerMillionFuel)} is {options.DefaultMaxPricePerMillionFuel}; it must not be negative");
        }
        if (options.MaxLogEntries < 2)
        {
            problems.Add($"{Section}:{nameof(options.MaxLogEntries)} is {options.MaxLogEntries}; it must be at least 2");
        }

        if (options.MaxInputBytes < 1 || options.MaxInputBytes > GrainInterfaces.JobLimits.MaxMemoryBytes)
        {
            problems.Add($"{Section}:{nameof(options.MaxInputBytes)} is {options.MaxInputBytes}; it must be from 1 to {GrainInterfaces.JobLimits.MaxMemoryBytes} (512 MiB: a worker reads the whole input into the program's memory)");
        }

        if (options.MaxUnfinishedJobsPerClient < 1 || options.MaxUnfinishedJobsPerClient > options.MaxClientJobs)
        {
            problems.Add($"{Section}:{nameof(options.MaxUnfinishedJobsPerClient)} is {options.MaxUnfinishedJobsPerClient}; it must be from 1 to MaxClientJobs ({options.MaxClientJobs})");
        }

        foreach (var (client, limit) in options.UnfinishedJobsPerClient)
        {
            if (limit < 1 || limit > options.MaxClientJobs)
            {
                problems.Add($"{Section}:{nameof(options.UnfinishedJobsPerClient)}:{client} is {limit}; it must be from 1 to MaxClientJobs ({options.MaxClientJobs})");
            }
        }

        if (options.MaxConcurrentJobsPerClient < 0)
        {
            problems.Add($"{Section}:{nameof(options.MaxConcurrentJobsPerClient)} is {options.MaxConcurrentJobsPerClient}; it must not be negative (0: no quota)");
        }

        foreach (var (client, limit) in options.ConcurrentJobsPerClient)
        {
            if (limit < 0)
            {
                problems.Add($"{Section}:{nameof(options.ConcurrentJobsPerClient)}:{client} is {limit}; it must not be negative (0: no quota)");
            }
        }

        if (options.MaxFuelPerHourPerClient < 0)
        {
            problems.Add($"{Section}:{nameof(options.MaxFuelPerHourPerClient)} is {options.MaxFuelPerHourPerClient}; it must not be negative (0: no quota)");
        }

        foreach (var (client, limit) in options.FuelPerHourPerClient)
        {
            if (limit < 0)
            {
                problems.Add($"{Section}:{nameof(options.FuelPerHourPerClient)}:{client} is {limit}; it must not be negative (0: no quota)");
            }
        }

        if (options.MaxClientJobs < 1)
        {
            problems.Add($"{Section}:{nameof(options.MaxClientJobs)} is {options.MaxClientJobs}; it must be at least 1");
        }

        if (options.DefaultCommitteeSize < 0 || options.DefaultCommitteeSize > JobLimits.MaxCommitteeSize)
        {
            problems.Add($"{Section}:{nameof(options.DefaultCommitteeSize)} is {options.DefaultCommitteeSize}; it must be 0-{JobLimits.MaxCommitteeSize}");
        }

        if (options.ReceiptBatchLimit < 1 || options.ReceiptBatchLimit > GrainInterfaces.ReceiptBatch.MaxSize)
        {
            problems.Add($"{Section}:{nameof(options.ReceiptBatchLimit)} is {options.ReceiptBatchLimit}; it must be 1-{GrainInterfaces.ReceiptBatch.MaxSize} (1: every receipt signed alone)");
        }

        if (options.ReceiptBatchWindow < TimeSpan.Zero || options.ReceiptBatchWindow > TimeSpan.FromSeconds(1))
        {
            problems.Add($"{Section}:{nameof(options.ReceiptBatchWindow)} is {options.ReceiptBatchWindow}; it must be 0-1 s");
        }

        if (options.CommitteeSampleEvery < 1 || options.CommitteeSampleEvery > 1_000_000)
        {
            problems.Add($"{Section}:{nameof(options.CommitteeSampleEvery)} is {options.CommitteeSampleEvery}; it must be 1-1000000 (1: every run)");
        }

        if (options.MaxRerunRounds < 0 || options.MaxRerunRounds > 10)
        {
            problems.Add($"{Section}:{nameof(options.MaxRerunRounds)} is {options.MaxRerunRounds}; it must be 0-10");
        }

        Positive(problems, nameof(options.CommitteeDeadlineMargin), options.CommitteeDeadlineMargin);
        Positive(problems, nameof(options.CommitteeMemberCallTimeout), options.CommitteeMemberCallTimeout);

        if (options.DefaultWorkers < 0)
        {
            problems.Add($"{Section}:{nameof(options.DefaultWorkers)} is {options.DefaultWorkers}; it must not be negative");
        }

        if (string.IsNullOrWhiteSpace(options.DefaultWorkerPrefix) || options.DefaultWorkerPrefix.Length > 60)
        {
            problems.Add($"{Section}:{nameof(options.DefaultWorkerPrefix)} '{options.DefaultWorkerPrefix}' must have 1-60 characters");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    private static void NotNegative(List<string> problems, string field, TimeSpan value)
    {
        if (value < TimeSpan.Zero)
        {
            problems.Add($"{Section}:{field} is {value}; it must not be negative");
        }
    }

    private static void Positive(List<string> problems, string field, TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
        {
            problems.Add($"{Section}:{field} is {value}; it must be positive");
        }
    }
}
