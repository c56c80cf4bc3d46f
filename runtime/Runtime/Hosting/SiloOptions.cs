namespace Marketplace.Runtime.Hosting;

/// <summary>Silo identity and shutdown (configuration section <c>Marketplace:Silo</c>).</summary>
public sealed class SiloOptions
{
    /// <summary>Default <see cref="ServiceId"/>.</summary>
    public const string DEFAULT_SERVICE_ID = "marketplace";

    /// <summary>Default <see cref="ClusterId"/>.</summary>
    public const string DEFAULT_CLUSTER_ID = "dev";

    /// <summary>Stable service id: storage rows and reminders are keyed by it, so keep it across deployments.</summary>
    public string ServiceId { get; set; } = DEFAULT_SERVICE_ID;

    /// <summary>Cluster id: silos only talk to silos with the same id.</summary>
    public string ClusterId { get; set; } = DEFAULT_CLUSTER_ID;

    /// <summary>Silo name for logs; defaults to the host name.</summary>
    public string SiloName { get; set; } = Environment.MachineName;

    /// <summary>How long graceful shutdown waits for activations to deactivate.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>Call behaviour (configuration section <c>Marketplace:Messaging</c>).</summary>
public sealed class MessagingOptions
{
    /// <summary>Default <see cref="ResponseTimeout"/>: 30 s.</summary>
    public static readonly TimeSpan DEFAULT_RESPONSE_TIMEOUT = TimeSpan.FromSeconds(30);

    /// <summary>How long a caller waits for a response before a <see cref="TimeoutException"/> (per-method <c>[ResponseTimeout]</c> overrides).</summary>
    public TimeSpan ResponseTimeout { get; set; } = DEFAULT_RESPONSE_TIMEOUT;

    /// <summary>How often pending calls are checked for expiry.</summary>
    public TimeSpan TimeoutCheckInterval { get; set; } = TimeSpan.FromMilliseconds(100);
}

/// <summary>Activation lifetime (configuration section <c>Marketplace:GrainCollection</c>).</summary>
public sealed class GrainCollectionOptions
{
    /// <summary>Default <see cref="CollectionAge"/>: 15 min.</summary>
    public static readonly TimeSpan DEFAULT_COLLECTION_AGE = TimeSpan.FromMinutes(15);

    /// <summary>Default <see cref="CollectionQuantum"/>: 1 min.</summary>
    public static readonly TimeSpan DEFAULT_COLLECTION_QUANTUM = TimeSpan.FromMinutes(1);

    /// <summary>Idle time after which an activation is deactivated.</summary>
    public TimeSpan CollectionAge { get; set; } = DEFAULT_COLLECTION_AGE;

    /// <summary>How often idle activations are looked for.</summary>
    public TimeSpan CollectionQuantum { get; set; } = DEFAULT_COLLECTION_QUANTUM;

    /// <summary>Cancellation deadline passed to <c>OnActivateAsync</c>.</summary>
    public TimeSpan ActivationTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Cancellation deadline passed to <c>OnDeactivateAsync</c>.</summary>
    public TimeSpan DeactivationTimeout { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>Reminder service (configuration section <c>Marketplace:Reminders</c>).</summary>
public sealed class ReminderOptions
{
    /// <summary>Default <see cref="MinimumReminderPeriod"/>: 1 min.</summary>
    public static readonly TimeSpan DEFAULT_MINIMUM_REMINDER_PERIOD = TimeSpan.FromMinutes(1);

    /// <summary>Shortest allowed reminder period (tests may lower it to seconds).</summary>
    public TimeSpan MinimumReminderPeriod { get; set; } = DEFAULT_MINIMUM_REMINDER_PERIOD;

    /// <summary>How often the table is re-read to pick up reminders written elsewhere.</summary>
    public TimeSpan RefreshReminderListPeriod { get; set; } = TimeSpan.FromMinutes(5);
}
