namespace Marketplace.GrainInterfaces;

/// <summary>
/// The names of the ledger's accounts. Ids inside a name never hold <c>/</c> (see <see cref="SettlementIds"/>), so a
/// name means one account. A posting's credit raises an account's balance and its debit lowers it; every account but
/// <see cref="Outside"/> stays at zero or above, and <see cref="Outside"/> holds minus what came in from the world.
/// </summary>
public static class LedgerAccounts
{
    /// <summary>The world outside the ledger: debited by deposits and stakes, credited by withdrawals.</summary>
    public const string Outside = "outside";

    /// <summary>Where slashed stake goes.</summary>
    public const string Treasury = "treasury";

    /// <summary>What a client may spend or withdraw.</summary>
    public static string ClientAvailable(string clientId) => $"client/{clientId}/available";

    /// <summary>One job's escrow, from submit until it is paid or refunded.</summary>
    public static string JobEscrow(string jobId) => $"job/{jobId}/escrow";

    /// <summary>A worker's bonded stake.</summary>
    public static string WorkerBonded(string workerId) => $"worker/{workerId}/bonded";

    /// <summary>A worker's stake waiting for its release time.</summary>
    public static string WorkerUnbonding(string workerId) => $"worker/{workerId}/unbonding";

    /// <summary>What a worker earned executing jobs and sitting on committees.</summary>
    public static string WorkerEarnings(string workerId) => $"worker/{workerId}/earnings";
}
