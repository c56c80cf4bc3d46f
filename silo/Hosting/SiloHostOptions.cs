namespace Marketplace.Silo.Hosting;

/// <summary>
/// How the silo process behaves as a host (configuration section <c>Marketplace:Host</c>; environment
/// <c>Marketplace__Host__ShutdownTimeout=00:01:00</c>).
/// </summary>
public sealed class SiloHostOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Marketplace:Host";

    /// <summary>
    /// How long a graceful stop (SIGTERM, Ctrl+C, <c>StopApplication</c>) may take before the host gives up waiting
    /// (.NET's <c>HostOptions.ShutdownTimeout</c>). Default 30 seconds.
    /// </summary>
    /// <remarks>Within it the silo says it is stopping (readiness 503), leaves the cluster (its membership row goes
    /// to Dead, so its grains move to other silos), stops its workers and deactivates its grains, which write their
    /// state, then stops the HTTP listener and exits with code 0. Past it the remaining stop steps are cancelled and
    /// the process still exits; the cluster then detects it as a dead silo. Orchestrators should allow a little
    /// more than this before they send SIGKILL (Kubernetes' <c>terminationGracePeriodSeconds</c>, Docker's
    /// <c>stop_grace_period</c>).</remarks>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
