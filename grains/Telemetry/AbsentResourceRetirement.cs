namespace Marketplace.Grains;

/// <summary>
/// Retires the activation of a grain whose resource is not stored, a moment after a call found nothing, so reads of
/// ids that do not exist leave no state behind. Not at once: a burst of calls to one missing id shares the activation
/// that is there, where deactivating after each call would forward the queued calls from one short-lived activation
/// to the next until Orleans refuses them (a call forwarded more than <c>MaxForwardCount</c> times is rejected).
/// </summary>
internal sealed class AbsentResourceRetirement
{
    /// <summary>How long an activation that found nothing stays for further calls.</summary>
    public static readonly TimeSpan Delay = TimeSpan.FromSeconds(1);

    private IGrainTimer? _timer;

    /// <summary>Deactivates <paramref name="grain"/> after <see cref="Delay"/> unless <paramref name="stillAbsent"/>
    /// says the resource exists by then; one pending retirement at a time.</summary>
    public void Schedule(IGrainBase grain, Func<bool> stillAbsent, Action deactivate)
    {
        if (_timer is not null)
        {
            return;
        }

        _timer = grain.RegisterGrainTimer(
            _ =>
            {
                _timer?.Dispose();
                _timer = null;
                if (stillAbsent())
                {
                    deactivate();
                }

                return Task.CompletedTask;
            },
            new GrainTimerCreationOptions(Delay, Timeout.InfiniteTimeSpan));
    }
}
