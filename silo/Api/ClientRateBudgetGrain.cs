namespace Marketplace.Silo.Api;

/// <summary>The cluster's token bucket of one client, kept in memory: a new activation (after its silo died, or
/// after it was idle) starts full, as a silo's own bucket does after a restart.</summary>
internal sealed class ClientRateBudgetGrain : Grain, IClientRateBudgetGrain
{
    private readonly RequestTokenBucket _bucket = new();
    private readonly TimeProvider _clock;

    public ClientRateBudgetGrain(IServiceProvider services) =>
        _clock = services.GetKeyedService<TimeProvider>(ClusterRateBudget.ClockKey) ?? TimeProvider.System;

    public Task<int> TakeAsync(int wanted, int requestsPerSecond, int burst) =>
        Task.FromResult(_bucket.Take(Math.Max(0, wanted), Math.Max(1, requestsPerSecond), Math.Max(1, burst), _clock.GetUtcNow()));
}
