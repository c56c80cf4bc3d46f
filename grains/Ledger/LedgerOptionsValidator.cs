using Microsoft.Extensions.Options;

namespace Marketplace.Grains.Ledger;

/// <summary>Checks <see cref="LedgerOptions"/> at start and names every failing field with its value.</summary>
internal sealed class LedgerOptionsValidator : IValidateOptions<LedgerOptions>
{
    /// <summary>Highest committee fee accepted, percent.</summary>
    public const int MaxCommitteeFeePercent = 10;

    /// <summary>Fewest journal entries kept.</summary>
    public const int MinJournalEntries = 10;

    public ValidateOptionsResult Validate(string? name, LedgerOptions options)
    {
        var problems = new List<string>();
        if (options.UnstakeDelay < TimeSpan.Zero)
        {
            problems.Add($"{LedgerOptions.Section}:{nameof(options.UnstakeDelay)} is {options.UnstakeDelay}; it must not be negative");
        }

        if (options.MinimumStake < 0)
        {
            problems.Add($"{LedgerOptions.Section}:{nameof(options.MinimumStake)} is {options.MinimumStake}; it must not be negative");
        }

        if (options.CommitteeFeePercent is < 0 or > MaxCommitteeFeePercent)
        {
            problems.Add($"{LedgerOptions.Section}:{nameof(options.CommitteeFeePercent)} is {options.CommitteeFeePercent}; it must be from 0 to {MaxCommitteeFeePercent}");
        }

        Percent(problems, nameof(options.TimeoutSlashPercent), options.TimeoutSlashPercent);
        Percent(problems, nameof(options.WrongResultSlashPercent), options.WrongResultSlashPercent);
        Percent(problems, nameof(options.DoubleSignSlashPercent), options.DoubleSignSlashPercent);
        Percent(problems, nameof(options.UnavailabilitySlashPercent), options.UnavailabilitySlashPercent);
        if (options.MaxJournalEntries < MinJournalEntries)
        {
            problems.Add($"{LedgerOptions.Section}:{nameof(options.MaxJournalEntries)} is {options.MaxJournalEntries}; it must be at least {MinJournalEntries}");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    private static void Percent(List<string> problems, string field, int value)
    {
        if (value is < 0 or > 100)
        {
            problems.Add($"{LedgerOptions.Section}:{field} is {value}; it must be from 0 to 100");
        }
    }
}
