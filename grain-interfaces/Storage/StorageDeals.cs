namespace Marketplace.GrainInterfaces;

/// <summary>The terms every storage deal shares: how long a deal may last.</summary>
public static class StorageDeals
{
    /// <summary>A deal's term when the client names none: 30 days.</summary>
    public static readonly TimeSpan DefaultDuration = TimeSpan.FromDays(30);

    /// <summary>The shortest term: one day.</summary>
    public static readonly TimeSpan MinDuration = TimeSpan.FromDays(1);

    /// <summary>The longest term: ten years of 365 days.</summary>
    public static readonly TimeSpan MaxDuration = TimeSpan.FromDays(3650);

    /// <summary>The largest piece one <see cref="IDealUploadGrain.WriteAsync"/> takes: 4 MiB.</summary>
    public const int MaxUploadPieceBytes = 4 * 1024 * 1024;

    /// <summary>The largest range one <see cref="IStorageDealGrain.ReadForSiloAsync"/> returns: 4 MiB.</summary>
    public const int MaxSiloReadBytes = 4 * 1024 * 1024;

    /// <summary>Checks a requested term.</summary>
    /// <exception cref="InvalidRequestException">Outside <see cref="MinDuration"/> to <see cref="MaxDuration"/>.</exception>
    public static void ValidateDuration(TimeSpan duration)
    {
        if (duration < MinDuration || duration > MaxDuration)
        {
            throw new InvalidRequestException($"duration_days: {duration.TotalDays:0.###} days; a deal lasts from {MinDuration.TotalDays:0} to {MaxDuration.TotalDays:0} days");
        }
    }
}
