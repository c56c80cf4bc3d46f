namespace Marketplace.Persistence.PostgreSql.Tests.Grains;

/// <summary>What the test grains do: report where they run, keep a persistent counter, register reminders.</summary>
public interface IProbe : IGrainWithStringKey
{
    /// <summary>The silo port of the silo hosting this activation.</summary>
    Task<int> GetSiloPortAsync();

    /// <summary>Adds one to the persistent counter, writes it, and returns the new value.</summary>
    Task<int> IncrementAsync();

    /// <summary>The persistent counter as loaded or last written.</summary>
    Task<int> GetCountAsync();

    /// <summary>Registers (or updates) a reminder with the given period; ticks are reported to <see cref="ReminderSignals"/>.</summary>
    Task RegisterReminderAsync(string reminderName, TimeSpan period);

    /// <summary>Unregisters the named reminder if it exists.</summary>
    Task UnregisterReminderAsync(string reminderName);

    /// <summary>Deactivates this activation after the call returns.</summary>
    Task DeactivateAsync();
}

/// <summary>The probe placed at random over the silos (<see cref="ProbeGrain"/>).</summary>
public interface IProbeGrain : IProbe;

/// <summary>The probe placed on the calling silo when it has no activation (<see cref="LocalProbeGrain"/>).</summary>
public interface ILocalProbeGrain : IProbe;

/// <summary>A stateless worker (<see cref="StatelessProbeGrain"/>).</summary>
public interface IStatelessProbeGrain : IGrainWithStringKey
{
    /// <summary>The silo port of the silo hosting this activation.</summary>
    Task<int> GetSiloPortAsync();
}
