using System.Globalization;
using System.Numerics;
using Marketplace.Crypto;
using Marketplace.Crypto.Ethereum;
using Microsoft.Extensions.Options;

namespace Marketplace.Grains.Settlement;

/// <summary>Checks <see cref="ChainSettlementOptions"/> at start when the chain settlement is enabled, naming each
/// failing field and its value (never the key's).</summary>
internal sealed class ChainSettlementOptionsValidator : IValidateOptions<ChainSettlementOptions>
{
    /// <summary>The largest batch accepted (a batch of 1,000 jobs is about 6.5 million gas).</summary>
    public const int MaxBatchSize = 1_000;

    /// <summary>The most settled jobs or journal entries the settlement's own record may keep.</summary>
    public const int MaxKept = 100_000;

    /// <summary>The highest committee fee accepted, percent (as the ledger).</summary>
    public const int MaxCommitteeFeePercent = 10;

    public ValidateOptionsResult Validate(string? name, ChainSettlementOptions options)
    {
        if (!options.Enabled)
        {
            return ValidateOptionsResult.Success;
        }

        var problems = new List<string>();
        const string S = ChainSettlementOptions.Section;
        if (!Uri.TryCreate(options.RpcUrl, UriKind.Absolute, out var rpc) || (rpc.Scheme != Uri.UriSchemeHttp && rpc.Scheme != Uri.UriSchemeHttps))
        {
            problems.Add($"{S}:{nameof(options.RpcUrl)} is '{options.RpcUrl}'; it must be an absolute http or https URL");
        }

        if (options.ChainId <= 0)
        {
            problems.Add($"{S}:{nameof(options.ChainId)} is {options.ChainId}; it must be positive (31337 for anvil)");
        }

        if (SettlementKeyLoader.TryLoad(options, out var keyProblem) is null)
        {
            problems.Add(keyProblem!);
        }

        RequireAddress(problems, nameof(options.EscrowAddress), options.EscrowAddress);
        RequireAddress(problems, nameof(options.StakingAddress), options.StakingAddress);
        RequireAddress(problems, nameof(options.TokenAddress), options.TokenAddress);
        if (options.ReceiptReleaseAddress.Length > 0)
        {
            RequireAddress(problems, nameof(options.ReceiptReleaseAddress), options.ReceiptReleaseAddress);
        }
        if (options.BatchSize is < 1 or > MaxBatchSize)
        {
            problems.Add($"{S}:{nameof(options.BatchSize)} is {options.BatchSize}; it must be from 1 to {MaxBatchSize}");
        }

        if (options.SettledJobsKept is < 0 or > MaxKept)
        {
            problems.Add($"{S}:{nameof(options.SettledJobsKept)} is {options.SettledJobsKept}; it must be from 0 to {MaxKept}");
        }

        if (options.JournalEntriesKept is < 10 or > MaxKept)
        {
            problems.Add($"{S}:{nameof(options.JournalEntriesKept)} is {options.JournalEntriesKept}; it must be from 10 to {MaxKept}");
        }

        Positive(problems, nameof(options.BatchInterval), options.BatchInterval);
        if (options.EventPollInterval < TimeSpan.Zero || options.EventPollInterval > TimeSpan.FromHours(1))
        {
            problems.Add($"{S}:{nameof(options.EventPollInterval)} is {options.EventPollInterval}; it must be from 0 (off) to 1 hour");
        }

        if (options.ReplaceAfter < TimeSpan.Zero)
        {
            problems.Add($"{S}:{nameof(options.ReplaceAfter)} is {options.ReplaceAfter}; it must not be negative (0 never replaces)");
        }

        Positive(problems, nameof(options.ReceiptTimeout), options.ReceiptTimeout);
        Positive(problems, nameof(options.DeadlineMargin), options.DeadlineMargin);
        if (options.Confirmations < 0)
        {
            problems.Add($"{S}:{nameof(options.Confirmations)} is {options.Confirmations}; it must not be negative");
        }

        if (options.CommitteeFeePercent is < 0 or > MaxCommitteeFeePercent)
        {
            problems.Add($"{S}:{nameof(options.CommitteeFeePercent)} is {options.CommitteeFeePercent}; it must be from 0 to {MaxCommitteeFeePercent}");
        }

        Wei(problems, nameof(options.GasFloorWei), options.GasFloorWei);
        Wei(problems, nameof(options.GasTopUpWei), options.GasTopUpWei);
        Wei(problems, nameof(options.MaxFeePerGasCapWei), options.MaxFeePerGasCapWei);
        foreach (var (owner, address) in options.WithdrawalAddresses)
        {
            RequireAddress(problems, $"{nameof(options.WithdrawalAddresses)}:{owner}", address);
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    /// <summary>Parses a wei amount written in decimal, or null.</summary>
    public static BigInteger? ParseWei(string text) =>
        BigInteger.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : null;

    private static void RequireAddress(List<string> problems, string field, string value)
    {
        try
        {
            if (Address.Parse(value) == Address.Zero)
            {
                problems.Add($"{ChainSettlementOptions.Section}:{field} is the zero address");
            }
        }
        catch (CryptoFormatException)
        {
            problems.Add($"{ChainSettlementOptions.Section}:{field} is '{value}'; it must be a 20-byte address in hex (0x...)");
        }
    }

    private static void Positive(List<string> problems, string field, TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
        {
            problems.Add($"{ChainSettlementOptions.Section}:{field} is {value}; it must be positive");
        }
    }

    private static void Wei(List<string> problems, string field, string value)
    {
        if (ParseWei(value) is null)
        {
            problems.Add($"{ChainSettlementOptions.Section}:{field} is '{value}'; it must be a whole number of wei");
        }
    }
}
