using Microsoft.Extensions.Options;

namespace Marketplace.Grains.Reputation;

/// <summary>Checks <see cref="ReputationOptions"/> at start and names every failing field with its value.</summary>
internal sealed class ReputationOptionsValidator : IValidateOptions<ReputationOptions>
{
    /// <summary>Fewest events kept per worker.</summary>
    public const int MinEvents = 10;

    public ValidateOptionsResult Validate(string? name, ReputationOptions options)
    {
        var problems = new List<string>();
        var score = options.Score;
        if (score is null)
        {
            problems.Add($"{ReputationOptions.Section}:Score is missing");
        }
        else
        {
            Fraction(problems, "Score:Prior", score.Prior);
            Positive(problems, "Score:PriorWeight", score.PriorWeight);
            Positive(problems, "Score:HalfLife", score.HalfLife);
            NotNegative(problems, "Score:SuccessWeight", score.SuccessWeight);
            NotNegative(problems, "Score:VerifiedResultWeight", score.VerifiedResultWeight);
            NotNegative(problems, "Score:FailureWeight", score.FailureWeight);
            NotNegative(problems, "Score:TimeoutWeight", score.TimeoutWeight);
            NotNegative(problems, "Score:UnavailableWeight", score.UnavailableWeight);
            NotNegative(problems, "Score:WrongResultWeight", score.WrongResultWeight);
            NotNegative(problems, "Score:DoubleSignWeight", score.DoubleSignWeight);
            if (score.DoubleSignZeroFor < TimeSpan.Zero)
            {
                problems.Add($"{ReputationOptions.Section}:Score:DoubleSignZeroFor is {score.DoubleSignZeroFor}; it must not be negative");
            }
        }

        Fraction(problems, nameof(options.BanFloor), options.BanFloor);
        Fraction(problems, nameof(options.MinimumReputation), options.MinimumReputation);
        Positive(problems, nameof(options.BanDuration), options.BanDuration);
        Positive(problems, nameof(options.WrongResultWindow), options.WrongResultWindow);
        Positive(problems, nameof(options.DoubleSignBanDuration), options.DoubleSignBanDuration);
        Positive(problems, nameof(options.RefreshInterval), options.RefreshInterval);
        if (options.GoodEventPushInterval < TimeSpan.Zero || options.GoodEventPushInterval > options.RefreshInterval)
        {
            problems.Add($"{ReputationOptions.Section}:{nameof(options.GoodEventPushInterval)} is {options.GoodEventPushInterval}; it must be from 0 to RefreshInterval ({options.RefreshInterval})");
        }
        if (options.WrongResultBanCount < 1)
        {
            problems.Add($"{ReputationOptions.Section}:{nameof(options.WrongResultBanCount)} is {options.WrongResultBanCount}; it must be at least 1");
        }

        if (options.MaxEvents < MinEvents)
        {
            problems.Add($"{ReputationOptions.Section}:{nameof(options.MaxEvents)} is {options.MaxEvents}; it must be at least {MinEvents}");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    private static void Fraction(List<string> problems, string field, double value)
    {
        if (!(value >= 0 && value <= 1))
        {
            problems.Add($"{ReputationOptions.Section}:{field} is {value}; it must be from 0 to 1");
        }
    }

    private static void Positive(List<string> problems, string field, double value)
    {
        if (!(value > 0) || double.IsInfinity(value))
        {
            problems.Add($"{ReputationOptions.Section}:{field} is {value}; it must be a positive number");
        }
    }

    private static void NotNegative(List<string> problems, string field, double value)
    {
        if (!(value >= 0) || double.IsInfinity(value))
        {
            problems.Add($"{ReputationOptions.Section}:{field} is {value}; it must be a number of at least 0");
        }
    }

    private static void Positive(List<string> problems, string field, TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
        {
            problems.Add($"{ReputationOptions.Section}:{field} is {value}; it must be positive");
        }
    }
}
