// Design: the worker grain is the worker's face in the cluster: it checks and stores the registration (BLS proof of
// possession), turns host heartbeats into announcements on the capabilities stream, publishes its profile
// (capabilities, counters, last heartbeat) on the local executor for its host to bid with (WorkerHostGrain), and
// hands assigned attempts to the executor. Its turns are short; programs run on the executor. Counters are written
// with the next heartbeat, not per attempt. Its reputation (score and ban) comes from its IReputationGrain: pushed
// at once when an event changes it, read again at registration and then at most every RefreshInterval with a
// heartbeat (so the profile follows the score's decay between events); kept in memory only.
using System.Text.RegularExpressions;
using Marketplace.Crypto.Bls;
using Marketplace.GrainInterfaces;
using Marketplace.Grains.Jobs;
using Marketplace.Grains.Reputation;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Marketplace.Grains.Workers;

/// <summary>One worker (key = worker id), placed on the silo that hosts its executor.</summary>
[WorkerHostPlacement]
internal sealed partial class WorkerGrain(
    [PersistentState("worker")] IPersistentState<WorkerState> state,
    LocalWorkers localWorkers,
    JobSettlements settlements,
    IOptions<JobsOptions> options,
    IOptions<ReputationOptions> reputationOptions,
    ReputationClock reputationClock,
    ILocalSiloDetails siloDetails,
    ILogger<WorkerGrain> logger) : Grain, IWorkerGrain
{
    private readonly JobsOptions _options = options.Value;
    private readonly ReputationOptions _reputationOptions = reputationOptions.Value;
    private WorkerReputation? _reputation;
    private long _reputationReadAt;
    private readonly AbsentResourceRetirement _absent = new();
    private DateTimeOffset _lastHeartbeat;
    private bool _dirty;
    private string? _stakeShortfall;
    private long _stakeReadAt = long.MinValue;

    private string WorkerId => this.GetPrimaryKeyString();

    private bool Online => DateTimeOffset.UtcNow - _lastHeartbeat < _options.WorkerOfflineAfter;

    /// <inheritdoc />
    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_dirty)
        {
            await state.WriteStateAsync();
        }
    }

    /// <inheritdoc />
    public Task<WorkerInfo> GetAsync()
    {
        LeaveUnlessHosted();
        RequireRegistered();
        return Task.FromResult(Info());
    }

    /// <inheritdoc />
    public async Task<WorkerInfo> RegisterAsync(WorkerRegistration registration)
    {
        LeaveUnlessHosted();
        ArgumentNullException.ThrowIfNull(registration);
        ValidateId(WorkerId);
        ValidateCapabilities(registration.Capabilities);
        var key = DecodeKey(registration);
        if (state.State.BlsPublicKey.Length > 0 && !string.Equals(state.State.BlsPublicKey, registration.BlsPublicKey, StringComparison.Ordinal))
        {
            throw new WorkerRejectedException($"worker {WorkerId} is registered with another BLS key; a worker keeps its key (register a new worker id for a new key)");
        }

        var first = state.State.Capabilities is null;
        state.State.Capabilities = registration.Capabilities;
        state.State.BlsPublicKey = Convert.ToHexStringLower(key.ToBytes());
        if (first)
        {
            state.State.RegisteredAt = DateTimeOffset.UtcNow;
        }

        await state.WriteStateAsync();
        await GrainFactory.GetGrain<IWorkerDirectoryGrain>(IWorkerDirectoryGrain.DefaultKey).RegisterKeyAsync(new RegisteredWorkerKey
        {
            WorkerId = WorkerId,
            PublicKey = key.ToBytes(),
            ProofOfPossession = Convert.FromHexString(registration.ProofOfPossession),
        });
        _dirty = false;
        _lastHeartbeat = DateTimeOffset.UtcNow;
        await ReadReputationAsync(force: true);
        await ReadStakeAsync();
        PublishProfile();
        await AnnounceAsync();
        return Info();
    }

    /// <inheritdoc />
    public async Task HeartbeatAsync()
    {
        LeaveUnlessHosted();
        RequireRegistered();
        _lastHeartbeat = DateTimeOffset.UtcNow;
        if (localWorkers.Find(WorkerId) is { } executor && executor.TakeSucceeded() is var done and > 0)
        {
            state.State.Completed += done;
            _dirty = true;
        }

        if (_dirty)
        {
            await state.WriteStateAsync();
            _dirty = false;
        }

        await ReadReputationAsync(force: false);
        if (Environment.TickCount64 - _stakeReadAt >= (long)_options.StakeRefreshInterval.TotalMilliseconds)
        {
            await ReadStakeAsync();
        }

        PublishProfile();
        await AnnounceAsync();
    }

    /// <inheritdoc />
    public Task<AssignmentAnswer> AssignAsync(JobAssignment assignment)
    {
        LeaveUnlessHosted();
        ArgumentNullException.ThrowIfNull(assignment);
        var refusal = state.State.Capabilities is null ? new WorkerRefusal($"worker {WorkerId} is not registered", Busy: false)
            : !Online ? new WorkerRefusal(OfflineReason(), Busy: false)
            : localWorkers.Find(WorkerId) is not { } executor ? new WorkerRefusal($"worker {WorkerId} is not hosted on this silo", Busy: false)
            : executor.TryEnqueue(assignment);
        if (refusal is { Busy: true })
        {
            // Another job took the room this one bid for: it waits for room here like a job turned away at bidding.
            localWorkers.Waitlist.Add(assignment.JobId, assignment.ClientId, assignment.CreatedAt);
        }

        return Task.FromResult(new AssignmentAnswer { Accepted = refusal is null, Reason = refusal?.Reason, Busy = refusal?.Busy ?? false });
    }

    /// <inheritdoc />
    /// <remarks>A worker that may not bid (banned, or below the minimum reputation) may not sit on a committee either:
    /// it refuses, and the job takes the next worker in the draw order.</remarks>
    public Task<AssignmentAnswer> AttestAsync(AttestationRequest request)
    {
        LeaveUnlessHosted();
        ArgumentNullException.ThrowIfNull(request);
        var refusal = state.State.Capabilities is null ? new WorkerRefusal($"worker {WorkerId} is not registered", Busy: false)
            : !Online ? new WorkerRefusal(OfflineReason(), Busy: false)
            : localWorkers.Find(WorkerId) is not { } executor ? new WorkerRefusal($"worker {WorkerId} is not hosted on this silo", Busy: false)
            : ReputationEligibility.Check(WorkerId, Score, _reputation?.BannedUntil, _reputation?.BanReason, reputationClock.Now, _reputationOptions.MinimumReputation) is { } barred
                ? new WorkerRefusal(barred, Busy: false)
            : executor.TryEnqueue(request);
        return Task.FromResult(new AssignmentAnswer { Accepted = refusal is null, Reason = refusal?.Reason, Busy = refusal?.Busy ?? false });
    }

    /// <inheritdoc />
    public Task<byte[]?> EndorseAsync(ExecutionReceipt representative)
    {
        ArgumentNullException.ThrowIfNull(representative);
        return Task.FromResult(localWorkers.Find(WorkerId)?.Endorse(representative));
    }

    /// <inheritdoc />
    public Task CancelAttemptAsync(string jobId, string attemptId)
    {
        localWorkers.Find(WorkerId)?.Cancel(attemptId);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<bool> HoldsAsync(string jobId, string attemptId)
    {
        LeaveUnlessHosted();
        return Task.FromResult(localWorkers.Find(WorkerId)?.Holds(attemptId) ?? false);
    }

    /// <inheritdoc />
    public Task AttemptLostAsync(string jobId, string attemptId)
    {
        localWorkers.Find(WorkerId)?.Cancel(attemptId);
        if (state.State.Capabilities is not null)
        {
            state.State.Failed++;
            _dirty = true;
            PublishProfile();
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task ReputationChangedAsync(WorkerReputation reputation)
    {
        LeaveUnlessHosted();
        if (reputation is not null && IsNewer(reputation))
        {
            _reputation = reputation;
            PublishProfile();
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async Task RefreshStakeAsync()
    {
        LeaveUnlessHosted();
        await ReadStakeAsync();
        PublishProfile();
    }

    /// <summary>Gives the host what it bids with: the current capabilities, counters, last heartbeat, reputation
    /// and stake shortfall.</summary>
    private void PublishProfile()
    {
        if (state.State.Capabilities is { } caps && localWorkers.Find(WorkerId) is { } executor)
        {
            executor.Profile = new WorkerProfile(caps, state.State.Completed, state.State.Failed, _lastHeartbeat, Score, _reputation?.BannedUntil, _reputation?.BanReason, _stakeShortfall);
        }
    }

    /// <summary>Reads whether the worker's bonded stake reaches the settlement's minimum (only while jobs are paid
    /// through it). An unreachable settlement keeps the last known answer until the next refresh.</summary>
    private async Task ReadStakeAsync()
    {
        try
        {
            var terms = await settlements.TermsAsync();
            if (!terms.Enabled)
            {
                _stakeShortfall = null;
            }
            else
            {
                var stake = await settlements.Ledger.GetStakeAsync(WorkerId);
                _stakeShortfall = stake.MeetsMinimum ? null
                    : $"worker {WorkerId} has a bonded stake of {stake.Bonded}, below the minimum stake of {stake.MinimumStake} to take paid jobs";
            }

            _stakeReadAt = Environment.TickCount64;
        }
        catch (Exception e) when (e is TimeoutException or OrleansException)
        {
            // Kept as it was; the next heartbeat reads again.
        }
    }

    /// <summary>The score as last heard; the prior before the reputation grain answered once.</summary>
    private double Score => _reputation?.Score ?? _reputationOptions.Score.Prior;

    /// <summary>Reads the reputation from its grain when <paramref name="force"/>d or last read longer than
    /// <see cref="ReputationOptions.RefreshInterval"/> ago. An unreachable reputation grain leaves the last known
    /// reputation in place.</summary>
    private async Task ReadReputationAsync(bool force)
    {
        var now = Environment.TickCount64;
        if (!force && _reputation is not null && now - _reputationReadAt < (long)_reputationOptions.RefreshInterval.TotalMilliseconds)
        {
            return;
        }

        _reputationReadAt = now;
        try
        {
            var read = await GrainFactory.GetGrain<IReputationGrain>(WorkerId).GetAsync();
            if (IsNewer(read))
            {
                _reputation = read;
            }
        }
        catch (Exception e) when (e is TimeoutException or OrleansException)
        {
            LogReputationUnread(logger, e, WorkerId);
        }
    }

    /// <summary>Pushes and reads may arrive out of order: the one with more events, then the later evaluation, wins.</summary>
    private bool IsNewer(WorkerReputation reputation) =>
        _reputation is not { } current
        || reputation.EventCount > current.EventCount
        || (reputation.EventCount == current.EventCount && reputation.EvaluatedAt >= current.EvaluatedAt);

    [LoggerMessage(EventId = MarketplaceEventIds.ReputationRefreshFailed, Level = LogLevel.Warning, Message = "Worker {WorkerId} could not read its reputation; it bids with the last one it heard")]
    private static partial void LogReputationUnread(ILogger logger, Exception exception, string workerId);

    /// <summary>
    /// An activation on a silo that does not host the worker's executor exists only because no live silo hosts it
    /// (see <see cref="WorkerHostPlacementDirector"/>): it answers as an offline worker and deactivates a moment later
    /// (<see cref="AbsentResourceRetirement"/>), so a later call is placed again and finds the host once it is back.
    /// </summary>
    private void LeaveUnlessHosted()
    {
        if (localWorkers.Find(WorkerId) is null)
        {
            _absent.Schedule(this, () => localWorkers.Find(WorkerId) is null, DeactivateOnIdle);
        }
    }

    private string OfflineReason() => WorkerProfile.OfflineReason(WorkerId, _lastHeartbeat, DateTimeOffset.UtcNow);

    /// <summary>Tells the worker directory this worker's state, one way. Sent straight to the directory grain rather
    /// than on a stream: a stream's queue that lived on a silo which died stopped every heartbeat for the seconds it
    /// took to move, and jobs then found every worker offline.</summary>
    private Task AnnounceAsync() =>
        GrainFactory.GetGrain<IWorkerDirectoryGrain>(IWorkerDirectoryGrain.DefaultKey).AnnounceAsync(Info());

    private WorkerInfo Info()
    {
        var executor = localWorkers.Find(WorkerId);
        return new WorkerInfo
        {
            WorkerId = WorkerId,
            Capabilities = state.State.Capabilities ?? new WorkerCapabilities(),
            BlsPublicKey = state.State.BlsPublicKey,
            Running = executor?.Running ?? 0,
            Queued = executor?.Queued ?? 0,
            LastHeartbeat = _lastHeartbeat,
            Online = Online,
            Reputation = Score,
            Completed = state.State.Completed,
            Failed = state.State.Failed,
            HostId = localWorkers.HostId,
            Silo = executor is null ? "" : siloDetails.SiloAddress.ToString(),
        };
    }

    private void RequireRegistered()
    {
        if (state.State.Capabilities is null)
        {
            _absent.Schedule(this, () => state.State.Capabilities is null, DeactivateOnIdle);
            throw new WorkerNotFoundException($"worker {WorkerId} has not registered");
        }
    }

    private static void ValidateId(string id)
    {
        if (!WorkerIdPattern().IsMatch(id))
        {
            throw new WorkerRejectedException($"worker id '{id}' is invalid: use 1-64 letters, digits, '-', '_' or '.'");
        }
    }

    private static void ValidateCapabilities(WorkerCapabilities? caps)
    {
        if (caps is null)
        {
            throw new WorkerRejectedException("capabilities are missing");
        }

        if (caps.Runtimes is null || caps.Runtimes.Count == 0)
        {
            throw new WorkerRejectedException("capabilities.runtimes: at least one runtime is required");
        }

        if (caps.MaxFuel <= 0 || caps.MaxMemoryBytes <= 0)
        {
            throw new WorkerRejectedException("capabilities.maxFuel and capabilities.maxMemoryBytes must be positive");
        }

        if (caps.PricePerMillionFuel < 0)
        {
            throw new WorkerRejectedException("capabilities.pricePerMillionFuel must not be negative");
        }

        if (caps.Capacity < 1 || caps.Capacity > 1024 || caps.MaxQueueDepth < 0 || caps.MaxQueueDepth > 100_000)
        {
            throw new WorkerRejectedException("capabilities.capacity must be 1-1024 and capabilities.maxQueueDepth 0-100000");
        }

        caps.Labels ??= [];
    }

    private static PublicKey DecodeKey(WorkerRegistration registration)
    {
        byte[] keyBytes, proofBytes;
        try
        {
            keyBytes = Convert.FromHexString(registration.BlsPublicKey ?? "");
            proofBytes = Convert.FromHexString(registration.ProofOfPossession ?? "");
        }
        catch (FormatException)
        {
            throw new WorkerRejectedException("blsPublicKey and proofOfPossession must be hex");
        }

        if (!PublicKey.TryFromBytes(keyBytes, out var key) || key is null)
        {
            throw new WorkerRejectedException("blsPublicKey is not a valid BLS12-381 G1 public key (48 bytes compressed)");
        }

        if (!Signature.TryFromBytes(proofBytes, out var proof) || proof is null)
        {
            throw new WorkerRejectedException("proofOfPossession is not a valid BLS12-381 G2 signature (96 bytes compressed)");
        }

        if (!Bls.PopVerify(key, proof))
        {
            throw new WorkerRejectedException("proofOfPossession does not verify for blsPublicKey: the registrant does not hold the secret key");
        }

        return key;
    }

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex WorkerIdPattern();
}
