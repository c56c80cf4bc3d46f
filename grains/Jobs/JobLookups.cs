using System.Collections.Concurrent;
using Marketplace.GrainInterfaces;
using Microsoft.Extensions.Options;

namespace Marketplace.Grains.Jobs;

/// <summary>
/// Per-silo caches on the job hot path: deployed programs by id (ids are content hashes, so a deployed program never
/// changes; misses are not cached) and the online worker ids (refreshed from the directory at most every
/// <see cref="JobsOptions.OnlineWorkersCacheAge"/>; an empty list is never reused). Each saves a grain call per job.
/// </summary>
internal sealed class JobLookups(IOptions<JobsOptions> options)
{
    private const int MaxPrograms = 4096;
    private readonly ConcurrentDictionary<string, ProgramInfo> _programs = new(StringComparer.Ordinal);
    private readonly long _onlineAgeMs = (long)options.Value.OnlineWorkersCacheAge.TotalMilliseconds;
    private string[] _online = [];
    private long _onlineAt;

    /// <summary>The program with id <paramref name="programId"/>, or null when it is not deployed.</summary>
    public async ValueTask<ProgramInfo?> ProgramAsync(IGrainFactory grains, string programId)
    {
        if (_programs.TryGetValue(programId, out var cached))
        {
            return cached;
        }

        var info = await grains.GetGrain<IProgramGrain>(programId).GetInfoAsync();
        if (info is not null)
        {
            if (_programs.Count >= MaxPrograms)
            {
                _programs.Clear();
            }

            _programs[programId] = info;
        }

        return info;
    }

    /// <summary>The ids of the online workers.</summary>
    public async ValueTask<string[]> OnlineWorkersAsync(IGrainFactory grains)
    {
        var cached = Volatile.Read(ref _online);
        if (cached.Length > 0 && Environment.TickCount64 - Volatile.Read(ref _onlineAt) < _onlineAgeMs)
        {
            return cached;
        }

        var online = await grains.GetGrain<IWorkerDirectoryGrain>(IWorkerDirectoryGrain.DefaultKey).ListOnlineIdsAsync();
        Volatile.Write(ref _online, online);
        Volatile.Write(ref _onlineAt, Environment.TickCount64);
        return online;
    }
}
