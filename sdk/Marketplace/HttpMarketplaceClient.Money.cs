using Marketplace.GrainInterfaces;
using Marketplace.GrainInterfaces.Json;

namespace Marketplace.Sdk;

/// <content>Money over <c>/v1/client/balance</c>, <c>/v1/client/deposits</c> and <c>/v1/workers/{id}/stake</c>
/// (<c>/unstake</c>, <c>/withdrawals</c>).</content>
public sealed partial class HttpMarketplaceClient
{
    /// <inheritdoc />
    public Task<ClientBalance> GetBalanceAsync(CancellationToken cancellationToken = default) =>
        SendJsonAsync<ClientBalance>(HttpMethod.Get, "v1/client/balance", null, cancellationToken);

    /// <inheritdoc />
    public Task<LedgerReceipt> DepositAsync(UInt128 amount, string depositId, string? clientId = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(depositId);
        var body = new DepositRequest { ClientId = clientId, Amount = amount, DepositId = depositId };
        return SendJsonAsync<LedgerReceipt>(HttpMethod.Post, "v1/client/deposits", Json(body), cancellationToken);
    }

    /// <inheritdoc />
    public Task<WorkerStake> GetWorkerStakeAsync(string workerId, CancellationToken cancellationToken = default) =>
        SendJsonAsync<WorkerStake>(HttpMethod.Get, $"v1/workers/{Escape(workerId)}/stake", null, cancellationToken);

    /// <inheritdoc />
    public Task<LedgerReceipt> StakeAsync(string workerId, UInt128 amount, string operationId, CancellationToken cancellationToken = default) =>
        SendStakeAsync($"v1/workers/{Escape(workerId)}/stake", amount, operationId, cancellationToken);

    /// <inheritdoc />
    public Task<LedgerReceipt> UnstakeAsync(string workerId, UInt128 amount, string operationId, CancellationToken cancellationToken = default) =>
        SendStakeAsync($"v1/workers/{Escape(workerId)}/unstake", amount, operationId, cancellationToken);

    /// <inheritdoc />
    public Task<LedgerReceipt> WithdrawUnstakedAsync(string workerId, CancellationToken cancellationToken = default) =>
        SendJsonAsync<LedgerReceipt>(HttpMethod.Post, $"v1/workers/{Escape(workerId)}/withdrawals", null, cancellationToken);

    private Task<LedgerReceipt> SendStakeAsync(string path, UInt128 amount, string operationId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(operationId);
        return SendJsonAsync<LedgerReceipt>(HttpMethod.Post, path, Json(new StakeRequest { Amount = amount, OperationId = operationId }), cancellationToken);
    }
}
