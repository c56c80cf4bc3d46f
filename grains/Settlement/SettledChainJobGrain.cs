using Orleans.Concurrency;

namespace Marketplace.Grains.Settlement;

/// <summary>Holds one settled job's escrow record (<see cref="ISettledChainJobGrain"/>). A stateless worker: it is
/// activated on the caller's silo without the grain directory, so the settlement never waits on another silo for it,
/// and every call but an activation's first (whose record was just read) reads the stored record afresh (another
/// silo's activation may have written it). Each settled job is kept once, by a new activation: one read and one write.</summary>
[StatelessWorker(1)]
internal sealed class SettledChainJobGrain(
    [PersistentState("settled-chain-job")] IPersistentState<SettledChainJobState> state) : Grain, ISettledChainJobGrain
{
    private bool _readAtActivation = true;

    /// <inheritdoc />
    public async Task KeepAsync(ChainJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        await ReadAfreshAsync();
        if (state.State.Job is not null)
        {
            return; // a settled record does not change
        }

        state.State.Job = job;
        await state.WriteStateAsync();
    }

    /// <inheritdoc />
    public async Task<ChainJob?> GetAsync()
    {
        await ReadAfreshAsync();
        return state.State.Job;
    }

    /// <summary>Reads the stored record, unless this is the activation's first call: Orleans read it just before.</summary>
    private Task ReadAfreshAsync()
    {
        if (_readAtActivation)
        {
            _readAtActivation = false;
            return Task.CompletedTask;
        }

        return state.ReadStateAsync();
    }
}

/// <summary>What <see cref="SettledChainJobGrain"/> stores.</summary>
[GenerateSerializer]
[Alias("marketplace.settled-chain-job-state")]
internal sealed class SettledChainJobState
{
    /// <summary>The job's record.</summary>
    [Id(0)] public ChainJob? Job { get; set; }
}
