namespace Marketplace.GrainInterfaces;

/// <summary>Which side of an account a posting is on: a credit raises the balance, a debit lowers it.</summary>
public enum PostingSide
{
    /// <summary>Lowers the account's balance.</summary>
    Debit = 0,

    /// <summary>Raises the account's balance.</summary>
    Credit = 1,
}

/// <summary>One line of a journal entry: an amount on one side of one account (<see cref="LedgerAccounts"/>).</summary>
[GenerateSerializer]
[Alias("marketplace.ledger-posting")]
[Immutable]
public sealed class LedgerPosting
{
    /// <summary>The account.</summary>
    [Id(0)] public string Account { get; set; } = "";

    /// <summary>Debit or credit.</summary>
    [Id(1)] public PostingSide Side { get; set; }

    /// <summary>The amount, in smallest units (never 0).</summary>
    [Id(2)] public UInt128 Amount { get; set; }

    /// <summary>A debit of <paramref name="amount"/> on <paramref name="account"/>.</summary>
    public static LedgerPosting Debit(string account, UInt128 amount) => new() { Account = account, Side = PostingSide.Debit, Amount = amount };

    /// <summary>A credit of <paramref name="amount"/> on <paramref name="account"/>.</summary>
    public static LedgerPosting Credit(string account, UInt128 amount) => new() { Account = account, Side = PostingSide.Credit, Amount = amount };
}
