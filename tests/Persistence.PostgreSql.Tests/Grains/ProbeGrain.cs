using Orleans.Concurrency;
using Orleans.Placement;

namespace Marketplace.Persistence.PostgreSql.Tests.Grains;

/// <summary>
/// Implements <see cref="IProbe"/> on the default storage provider (state name <c>probe</c>); the two concrete grains
/// below differ only in placement.
/// </summary>
public abstract class ProbeGrainBase(IPersistentState<ProbeState> state, ILocalSiloDetails silo) : Grain, IProbe, IRemindable
{
    public Task<int> GetSiloPortAsync() => Task.FromResult(silo.SiloAddress.Endpoint.Port);

    public async Task<int> IncrementAsync()
    {
        state.State.Count++;
        await state.WriteStateAsync();
        return state.State.Count;
    }

    public Task<int> GetCountAsync() => Task.FromResult(state.State.Count);

    public Task RegisterReminderAsync(string reminderName, TimeSpan period) =>
        this.RegisterOrUpdateReminder(reminderName, period, period);

    public async Task UnregisterReminderAsync(string reminderName)
    {
        if (await this.GetReminder(reminderName) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    public Task DeactivateAsync()
    {
        this.DeactivateOnIdle();
        return Task.CompletedTask;
    }

    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        ReminderSignals.Fired(this.GetPrimaryKeyString(), reminderName);
        return Task.CompletedTask;
    }
}

/// <summary>Random placement spreads keys over the silos, so a test can find a key hosted on a chosen silo.</summary>
[RandomPlacement]
[GrainType("probe")]
public sealed class ProbeGrain([PersistentState("probe")] IPersistentState<ProbeState> state, ILocalSiloDetails silo)
    : ProbeGrainBase(state, silo), IProbeGrain;

/// <summary>Activates on the silo that calls it first, so a test decides where the grain lives.</summary>
[PreferLocalPlacement]
[GrainType("local-probe")]
public sealed class LocalProbeGrain([PersistentState("probe")] IPersistentState<ProbeState> state, ILocalSiloDetails silo)
    : ProbeGrainBase(state, silo), ILocalProbeGrain;

/// <summary>A stateless worker: each silo activates its own, and the grain directory never registers it.</summary>
[StatelessWorker(1)]
[GrainType("stateless-probe")]
public sealed class StatelessProbeGrain(ILocalSiloDetails silo) : Grain, IStatelessProbeGrain
{
    public Task<int> GetSiloPortAsync() => Task.FromResult(silo.SiloAddress.Endpoint.Port);
}
