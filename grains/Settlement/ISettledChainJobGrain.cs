namespace Marketplace.Grains.Settlement;

/// <summary>One settled job's escrow record (key: the job id), moved out of the settlement's own record once its
/// batch is confirmed and newer settled jobs pushed it past <see cref="ChainSettlementOptions.SettledJobsKept"/>.
/// Written once; read when the job is asked about again (a repeated settlement call, an escrow lookup).</summary>
[Alias("marketplace.settled-chain-job-grain")]
internal interface ISettledChainJobGrain : IGrainWithStringKey
{
    /// <summary>Stores the job's record (the same record again is a no-op).</summary>
    [Alias("keep")]
    Task KeepAsync(ChainJob job);

    /// <summary>The stored record, or null when the job was never moved here.</summary>
    [Alias("get")]
    Task<ChainJob?> GetAsync();
}
