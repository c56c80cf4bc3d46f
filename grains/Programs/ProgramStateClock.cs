namespace Marketplace.Grains.Programs;

/// <summary>
/// The time program state reads (when a job's commit was made, so it is forgotten after
/// <c>Marketplace:Programs:StateFenceAge</c>): the silo's <see cref="TimeProvider"/> unless a test registers another.
/// </summary>
internal sealed class ProgramStateClock(TimeProvider time)
{
    /// <summary>Now.</summary>
    public DateTimeOffset Now => time.GetUtcNow();
}
