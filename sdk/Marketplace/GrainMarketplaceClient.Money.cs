using Marketplace.GrainInterfaces;

namespace Marketplace.Sdk;

/// <content>Money through the settlement (<see cref="ISettlement"/>). The gateway admits deposits and stake changes
/// from operator services only (<see cref="GatewayRefusedException"/> for a service bound to one client); a stake
/// change also makes the worker bid with its new stake at once, as the HTTP API does.</content>
public sealed partial class GrainMarketplaceClient
{
    /// <inheritdoc />
    public async Task<ClientBalance> GetBalanceAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return await Settlement.GetBalanceAsync(ClientId).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<LedgerReceipt> DepositAsync(UInt128 amount, string depositId, string? clientId = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(depositId);
        cancellationToken.ThrowIfCancellationRequested();
        var client = string.IsNullOrEmpty(clientId) ? ClientId : clientId;
        return await Settlement.DepositAsync(client, amount, depositId).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<WorkerStake> GetWorkerStakeAsync(string workerId, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return await Settlement.GetStakeAsync(workerId).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<LedgerReceipt> StakeAsync(string workerId, UInt128 amount, string operationId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(operationId);
        cancellationToken.ThrowIfCancellationRequested();
        var receipt = await Settlement.StakeAsync(workerId, amount, operationId).WaitAsync(cancellationToken).ConfigureAwait(false);
        await RefreshStakeAsync(workerId, cancellationToken).ConfigureAwait(false);
        return receipt;
    }

    /// <inheritdoc />
    public async Task<LedgerReceipt> UnstakeAsync(string workerId, UInt128 amount, string operationId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(operationId);
        cancellationToken.ThrowIfCancellationRequested();
        var receipt = await Settlement.RequestUnstakeAsync(workerId, amount, operationId).WaitAsync(cancellationToken).ConfigureAwait(false);
        await RefreshStakeAsync(workerId, cancellationToken).ConfigureAwait(false);
        return receipt;
    }

    /// <inheritdoc />
    public async Task<LedgerReceipt> WithdrawUnstakedAsync(string workerId, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return await Settlement.WithdrawUnstakedAsync(workerId).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private ISettlement Settlement => _grains.GetGrain<ISettlement>(ISettlement.DefaultKey);

    /// <summary>The worker bids with its new stake at once (a worker hosted nowhere reads it when it registers). Runs
    /// after the settlement accepted the worker id, so a malformed id never activates a worker grain.</summary>
    private Task RefreshStakeAsync(string workerId, CancellationToken cancellationToken) =>
        _grains.GetGrain<IWorkerGrain>(workerId).RefreshStakeAsync().WaitAsync(cancellationToken);
}
