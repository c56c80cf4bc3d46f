using System.Globalization;
using Microsoft.Extensions.Options;

namespace Marketplace.Grains.Execution;

/// <summary>Checks <see cref="ProgramOptions"/> at start and names every failing field with its value: limits that
/// every run or deploy needs must be positive, caches and budgets must not be negative.</summary>
internal sealed class ProgramOptionsValidator : IValidateOptions<ProgramOptions>
{
    public ValidateOptionsResult Validate(string? name, ProgramOptions options)
    {
        var problems = new List<string>();
        Positive(problems, nameof(options.MaxModuleBytes), options.MaxModuleBytes);
        Positive(problems, nameof(options.MaxFuel), options.MaxFuel);
        Positive(problems, nameof(options.MaxMemoryBytes), options.MaxMemoryBytes);
        Positive(problems, nameof(options.MaxTimeoutMs), options.MaxTimeoutMs);
        Positive(problems, nameof(options.MaxCompileMs), options.MaxCompileMs);
        Positive(problems, nameof(options.MaxFunctions), options.MaxFunctions);
        Positive(problems, nameof(options.MaxStackBytes), options.MaxStackBytes);
        Positive(problems, nameof(options.EpochTickMs), options.EpochTickMs);
        NotNegative(problems, nameof(options.ModuleCacheCapacity), options.ModuleCacheCapacity);
        if (options.MaxConcurrentRuns is < 1 or > 1000)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"{ProgramOptions.Section}:{nameof(options.MaxConcurrentRuns)} is {options.MaxConcurrentRuns}; it must be from 1 to 1000"));
        }
        NotNegative(problems, nameof(options.MaxTableElements), options.MaxTableElements);
        NotNegative(problems, nameof(options.MaxTables), options.MaxTables);
        NotNegative(problems, nameof(options.StateCacheCapacity), options.StateCacheCapacity);
        NotNegative(problems, nameof(options.MaxLogBytes), options.MaxLogBytes);
        NotNegative(problems, nameof(options.MaxLogLines), options.MaxLogLines);
        NotNegative(problems, nameof(options.MaxConflictRetries), options.MaxConflictRetries);
        NotNegative(problems, nameof(options.StateHistoryCommits), options.StateHistoryCommits);
        NotNegative(problems, nameof(options.StateHistoryBytes), options.StateHistoryBytes);
        if (options.StateHistoryAge < TimeSpan.Zero)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"{ProgramOptions.Section}:{nameof(options.StateHistoryAge)} is {options.StateHistoryAge}; it must not be negative"));
        }
        Positive(problems, nameof(options.StateFenceJobs), options.StateFenceJobs);
        if (options.StateCheckpointCommits is < 1 or > 4096)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"{ProgramOptions.Section}:{nameof(options.StateCheckpointCommits)} is {options.StateCheckpointCommits}; it must be from 1 to 4096"));
        }
        if (options.StateFenceAge <= TimeSpan.Zero)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"{ProgramOptions.Section}:{nameof(options.StateFenceAge)} is {options.StateFenceAge}; it must be positive"));
        }
        NotNegative(problems, nameof(options.MaxStateKeyBytes), options.MaxStateKeyBytes);
        NotNegative(problems, nameof(options.MaxStateValueBytes), options.MaxStateValueBytes);
        NotNegative(problems, nameof(options.MaxStateWriteBytesPerRun), options.MaxStateWriteBytesPerRun);
        NotNegative(problems, nameof(options.MaxOutputBytes), options.MaxOutputBytes);
        NotNegative(problems, nameof(options.MaxBlobPrefetchBytes), options.MaxBlobPrefetchBytes);
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    private static void Positive(List<string> problems, string field, long value)
    {
        if (value <= 0)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"{ProgramOptions.Section}:{field} is {value}; it must be positive"));
        }
    }

    private static void NotNegative(List<string> problems, string field, long value)
    {
        if (value < 0)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"{ProgramOptions.Section}:{field} is {value}; it must not be negative"));
        }
    }
}
