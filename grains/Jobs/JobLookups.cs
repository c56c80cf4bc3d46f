using System.Collections.Concurrent;
using Marketplace.GrainInterfaces;
using Marketplace.Grains.Jobs.TestHooks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Marketplace.Grains.Jobs;

/// <summary>
/// Per-silo caches on the job hot path: deployed programs by id (ids are content hashes, so a deployed program never
/// changes; misses are not cached), workers' registered BLS keys (a worker keeps its key) and the online workers by
/// host (refreshed from the directory at most every <see cref="JobsOptions.OnlineWorkersCacheAge"/>; an empty list is
/// never reused). Each saves a grain call per job.
/// References to the grains a job calls again and again (workers, client job lists, the directory and program names)
/// are made once per silo (<see cref="GrainReferences{TGrain}"/>).
/// </summary>
internal sealed class JobLookups(
    IOptions<JobsOptions> options,
    GrainReferences<IWorkerGrain> workers,
    GrainReferences<IWorkerHostGrain> hosts,
    GrainReferences<IClientJobsGrain> clientJobs,
    GrainReferences<IWorkerDirectoryGrain> directory,
    GrainReferences<IProgramNameGrain> programNames,
    GrainReferences<IProgramGrain> programs,
    GrainReferences<IProgramStateGrain> programStates,
    JobReputationRecorder reputation,
    VerifiedSignatures verifiedSignatures,
    JobLifecycle lifecycle,
    IServiceProvider services)
{
    /// <summary>The lifecycle table every job's moves are checked against.</summary>
    public JobLifecycle Lifecycle { get; } = lifecycle;

    private readonly ClientListFaultInjection? _listFaults = services.GetService<ClientListFaultInjection>();

    /// <summary>Signatures known valid on this silo: workers' batch signatures it verified (the receipts of one signed
    /// batch cost one pairing check between their jobs) and those its own workers made.</summary>
    public VerifiedSignatures VerifiedSignatures { get; } = verifiedSignatures;

    /// <summary>The submit path's bounded calls to the client job lists.</summary>
    public ClientListCalls ClientLists { get; } = new(clientJobs, services.GetService<ClientListFaultInjection>());
    private const int MaxPrograms = 4096;
    private const int MaxWorkerKeys = 4096;
    private readonly ConcurrentDictionary<string, byte[]> _workerKeys = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ProgramInfo> _programs = new(StringComparer.Ordinal);
    private readonly long _onlineAgeMs = (long)options.Value.OnlineWorkersCacheAge.TotalMilliseconds;
    private OnlineWorkerHost[] _online = [];
    private long _onlineAt;

    /// <summary>Tells <paramref name="clientId"/>'s list that a job ended (<see cref="IClientJobsGrain.UpdateAsync"/>).</summary>
    public Task ReportEndAsync(string clientId, JobSummary summary)
    {
        _listFaults?.BeforeEnd(clientId);
        return ClientJobs(clientId).UpdateAsync(summary);
    }

    /// <summary>The program with id <paramref name="programId"/>, or null when it is not deployed.</summary>
    public async ValueTask<ProgramInfo?> ProgramAsync(string programId)
    {
        if (_programs.TryGetValue(programId, out var cached))
        {
            return cached;
        }

        var info = await programs.Create(programId).GetInfoAsync();
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

    /// <summary>The online workers, by host.</summary>
    public async ValueTask<OnlineWorkerHost[]> OnlineHostsAsync()
    {
        var cached = Volatile.Read(ref _online);
        if (cached.Length > 0 && Environment.TickCount64 - Volatile.Read(ref _onlineAt) < _onlineAgeMs)
        {
            return cached;
        }

        var online = await Directory.ListOnlineHostsAsync();
        Volatile.Write(ref _online, online);
        Volatile.Write(ref _onlineAt, Environment.TickCount64);
        return online;
    }

    /// <summary>The BLS public key (48 bytes compressed) <paramref name="workerId"/> registered; empty when the worker
    /// has none. A worker keeps its key for life (<see cref="IWorkerGrain.RegisterAsync"/>), so keys are cached.</summary>
    public async ValueTask<byte[]> WorkerKeyAsync(string workerId)
    {
        if (_workerKeys.TryGetValue(workerId, out var cached))
        {
            return cached;
        }

        var info = await workers.Get(workerId).GetAsync();
        var key = Convert.FromHexString(info.BlsPublicKey);
        if (key.Length > 0)
        {
            if (_workerKeys.Count >= MaxWorkerKeys)
            {
                _workerKeys.Clear();
            }

            _workerKeys[workerId] = key;
        }

        return key;
    }

    /// <summary>The worker <paramref name="workerId"/>.</summary>
    public IWorkerGrain Worker(string workerId) => workers.Get(workerId);

    /// <summary>The committed state of program <paramref name="programId"/>.</summary>
    public IProgramStateGrain ProgramState(string programId) => programStates.Get(programId);

    /// <summary>The bidder for the workers of host <paramref name="hostId"/>.</summary>
    public IWorkerHostGrain WorkerHost(string hostId) => hosts.Get(hostId);

    /// <summary>The job list of client <paramref name="clientId"/>.</summary>
    public IClientJobsGrain ClientJobs(string clientId) => clientJobs.Get(clientId);

    /// <summary>Records reputation events of the job flow.</summary>
    public JobReputationRecorder Reputation => reputation;

    /// <summary>The worker directory.</summary>
    public IWorkerDirectoryGrain Directory => directory.Get(IWorkerDirectoryGrain.DefaultKey);

    /// <summary>Resolves a program reference (id, <c>name@version</c>, <c>name@latest</c>, name) as
    /// <see cref="ProgramReferences"/> does, ids through <see cref="ProgramAsync"/>.</summary>
    public Task<ProgramInfo> ResolveAsync(string reference) =>
        ProgramReferences.ResolveAsync(reference, ProgramAsync, programNames.Get);
}
