namespace Marketplace.GrainInterfaces.Json;

/// <summary>Body of <c>POST /v1/client/deposits</c> (operators only): credits a client's balance from outside.</summary>
public sealed class DepositRequest
{
    /// <summary>The client credited (default: the caller).</summary>
    public string? ClientId { get; set; }

    /// <summary>Smallest units (a millionth of a price unit), above 0.</summary>
    public UInt128 Amount { get; set; }

    /// <summary>The deposit's id: a repeat with the same id, client and amount moves nothing.</summary>
    public string DepositId { get; set; } = "";
}

/// <summary>Body of <c>POST /v1/workers/{id}/stake</c> and <c>POST /v1/workers/{id}/unstake</c> (operators only).</summary>
public sealed class StakeRequest
{
    /// <summary>Smallest units, above 0.</summary>
    public UInt128 Amount { get; set; }

    /// <summary>The operation's id: a repeat with the same id, worker and amount moves nothing.</summary>
    public string OperationId { get; set; } = "";
}

/// <summary>Body of <c>GET /v1/jobs/{id}/settlement</c>: the job's escrow and how it settled.</summary>
public sealed class JobSettlementView
{
    /// <summary>The job.</summary>
    public string JobId { get; set; } = "";

    /// <summary>The escrow taken at submit and, once settled, its settlement; null when the job was submitted while
    /// jobs were not paid through the settlement.</summary>
    public JobEscrow? Escrow { get; set; }
}
