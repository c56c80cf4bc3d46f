using System.Globalization;
using Marketplace.GrainInterfaces;

namespace Marketplace.Grains.Workers;

/// <summary>
/// Whether a worker can take an announced job, and if not, why, in words a client can act on
/// ("needs 2 GiB memory, worker w3 offers 1 GiB"). Checks run in a fixed order and the first failing one is reported.
/// </summary>
internal static class WorkerEligibility
{
    /// <summary>Null when <paramref name="workerId"/> can ever take <paramref name="job"/>, else the reason. Whether it
    /// has room now is the executor's to say (<see cref="WorkerExecutor.BusyReason"/>).</summary>
    public static string? Check(string workerId, WorkerCapabilities caps, JobAnnouncement job)
    {
        if (!caps.Runtimes.Contains(job.Runtime))
        {
            return $"needs runtime {job.Runtime}, worker {workerId} offers {string.Join(", ", caps.Runtimes)}";
        }

        if (job.MaxFuel > caps.MaxFuel)
        {
            return $"needs {job.MaxFuel.ToString("N0", CultureInfo.InvariantCulture)} fuel, worker {workerId} offers {caps.MaxFuel.ToString("N0", CultureInfo.InvariantCulture)}";
        }

        if (job.MaxMemoryBytes > caps.MaxMemoryBytes)
        {
            return $"needs {FormatBytes(job.MaxMemoryBytes)} memory, worker {workerId} offers {FormatBytes(caps.MaxMemoryBytes)}";
        }

        if (job.MaxPricePerMillionFuel > 0 && caps.PricePerMillionFuel > job.MaxPricePerMillionFuel)
        {
            return $"pays at most {job.MaxPricePerMillionFuel} per million fuel, worker {workerId} asks {caps.PricePerMillionFuel}";
        }

        foreach (var (key, wanted) in job.Constraints)
        {
            if (!caps.Labels.TryGetValue(key, out var have))
            {
                return $"needs {key}={wanted}, worker {workerId} has no {key} label";
            }

            if (!string.Equals(have, wanted, StringComparison.Ordinal))
            {
                return $"needs {key}={wanted}, worker {workerId} has {key}={have}";
            }
        }

        return null;
    }

    /// <summary>Bytes as people write them: "2 GiB", "1.5 MiB", "300 bytes".</summary>
    public static string FormatBytes(long bytes)
    {
        ReadOnlySpan<string> units = ["bytes", "KiB", "MiB", "GiB", "TiB"];
        double value = bytes;
        var unit = 0;
        while (value >= 1024 && unit < units.Length - 1)
        {
            value /= 1024;
            unit++;
        }

        return unit == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{bytes} bytes")
            : string.Create(CultureInfo.InvariantCulture, $"{Math.Round(value, 2)} {units[unit]}");
    }
}
