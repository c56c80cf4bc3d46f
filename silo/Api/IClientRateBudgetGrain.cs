namespace Marketplace.Silo.Api;

/// <summary>
/// One client's request budget for the whole cluster (key: the client id): a token bucket from which each silo takes
/// slices, so a client's requests over all silos add up to its configured rate.
/// </summary>
[Alias("Marketplace.Silo.Api.IClientRateBudgetGrain")]
internal interface IClientRateBudgetGrain : IGrainWithStringKey
{
    /// <summary>Takes up to <paramref name="wanted"/> requests from the client's bucket (holding
    /// <paramref name="burst"/>, refilled at <paramref name="requestsPerSecond"/>) and returns how many it got.</summary>
    [Alias("Take")]
    Task<int> TakeAsync(int wanted, int requestsPerSecond, int burst);
}
