// Design: a thin adapter from IMarketplaceClient to the grains, for trusted code next to the cluster. Each operation
// is one or a few grain calls; the grains own every rule (limits, idempotency, ownership), so the adapter only
// checks id shapes before addressing a grain (a malformed id must not activate a grain), stamps its own client id on
// every submission and names its BlobCaller on every blob call: a named client is checked against each blob's access
// list exactly as the HTTP API checks that client's key; an operator client has full access. Blob transfers and
// access changes are in GrainMarketplaceClient.Blobs.cs.
using Marketplace.GrainInterfaces;

namespace Marketplace.Sdk;

/// <summary>
/// <see cref="IMarketplaceClient"/> over grain calls: give it a connected <see cref="IClusterClient"/> (or any
/// <see cref="IGrainFactory"/>, e.g. a silo's own) and the client id to act as. The client id is trusted as given;
/// use this class only in code that is allowed to act for that client (the HTTP API authenticates its callers with
/// API keys instead). Grain errors arrive as the typed <see cref="MarketplaceException"/> subclasses; transport
/// failures as the runtime's <see cref="OrleansException"/> family or <see cref="TimeoutException"/>.
/// </summary>
/// <remarks>
/// <c>new GrainMarketplaceClient(grains, "alice")</c> behaves as the HTTP API does for alice's key: it reads only the
/// blobs alice owns, was granted or that are public, and changes access only of blobs alice owns.
/// <see cref="ForOperator"/> keeps the operators' full access: every blob is readable and its access may be changed,
/// while jobs and uploads still go under the given client id.
/// </remarks>
public sealed partial class GrainMarketplaceClient : IMarketplaceClient
{
    private readonly IGrainFactory _grains;
    private readonly BlobCaller _caller;

    /// <summary>Creates a client that acts as <paramref name="clientId"/>, with that client's access to blobs.</summary>
    /// <param name="grains">A connected cluster client (or a silo's grain factory).</param>
    /// <param name="clientId">The client to act as: jobs are submitted, listed and cancelled under this id, uploads are
    /// owned by it and blob reads are checked against it.</param>
    /// <exception cref="ArgumentException"><paramref name="clientId"/> is not a client id (<see cref="ClientIds"/>:
    /// 1 to 128 characters, no control characters or '/').</exception>
    public GrainMarketplaceClient(IGrainFactory grains, string clientId)
        : this(grains, clientId, fullAccess: false)
    {
    }

    private GrainMarketplaceClient(IGrainFactory grains, string clientId, bool fullAccess)
    {
        ArgumentNullException.ThrowIfNull(grains);
        if (!ClientIds.IsValid(clientId))
        {
            throw new ArgumentException("A client id has 1 to 128 characters, without control characters, '/' or surrounding spaces.", nameof(clientId));
        }

        _grains = grains;
        ClientId = clientId;
        _caller = fullAccess ? BlobCaller.Operator(clientId) : BlobCaller.Client(clientId);
    }

    /// <inheritdoc />
    public string ClientId { get; }

    /// <summary>True for a client made by <see cref="ForOperator"/>: full access to every blob.</summary>
    public bool IsOperator => _caller.FullAccess;

    /// <summary>
    /// Creates an operators' client: jobs and uploads go under <paramref name="clientId"/> as for any client, but every
    /// blob is readable (those of other clients, and those stored before blobs had owners) and the access of any blob
    /// may be changed. For operators' own tooling inside the trusted boundary only.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="clientId"/> is not a client id.</exception>
    public static GrainMarketplaceClient ForOperator(IGrainFactory grains, string clientId) => new(grains, clientId, fullAccess: true);

    /// <inheritdoc />
    public async Task<ProgramInfo> DeployProgramAsync(ProgramDeployment deployment, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        cancellationToken.ThrowIfCancellationRequested();
        var id = ProgramDeployments.ComputeProgramId(deployment.Wasm ?? [], deployment.Manifest?.Salt ?? "");
        return await _grains.GetGrain<IProgramGrain>(id).DeployAsync(deployment, _caller).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<ProgramInfo> GetProgramAsync(string reference, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(reference))
        {
            throw new InvalidRequestException("program: a program id, name@version or name is required.");
        }

        cancellationToken.ThrowIfCancellationRequested();
        return await ProgramReferences.ResolveAsync(_grains, reference).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<StateProof> GetStateProofAsync(string program, byte[] key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        var info = await GetProgramAsync(program, cancellationToken).ConfigureAwait(false);
        return await _grains.GetGrain<IProgramStateGrain>(info.Id).GetProofAsync(key).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<StateSnapshot> GetProgramStateAsync(string program, string? root = null, CancellationToken cancellationToken = default)
    {
        var info = await GetProgramAsync(program, cancellationToken).ConfigureAwait(false);
        return await _grains.GetGrain<IProgramStateGrain>(info.Id).GetStateAsync(info.Id, root).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<Page<ProgramInfo>> ListProgramsAsync(string? cursor = null, int limit = PageLimits.Default, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return await Listings.ProgramsAsync(_grains, cursor, limit).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<Page<ProgramInfo>> ListProgramVersionsAsync(string name, string? cursor = null, int limit = PageLimits.Default, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return await Listings.ProgramVersionsAsync(_grains, name, cursor, limit).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<ProgramNameInfo> GetProgramNameAsync(string name, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var info = await NameGrain(name).GetAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        return info ?? throw new ProgramNotFoundException($"no program named '{name}' is deployed");
    }

    /// <inheritdoc />
    public async Task<ProgramNameInfo> DelegateProgramNameAsync(ProgramDelegation delegation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(delegation);
        cancellationToken.ThrowIfCancellationRequested();
        return await NameGrain(delegation.Name).DelegateAsync(delegation).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <remarks>Sets <see cref="JobSubmission.ClientId"/> of <paramref name="submission"/> to <see cref="ClientId"/>.</remarks>
    public async Task<JobInfo> SubmitJobAsync(JobSubmission submission, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(submission);
        cancellationToken.ThrowIfCancellationRequested();
        submission.ClientId = ClientId;
        var jobId = JobIds.For(ClientId, submission.RequestId);
        return await _grains.GetGrain<IJobGrain>(jobId).SubmitAsync(submission).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<JobInfo> GetJobAsync(string jobId, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return await Job(jobId).GetAsync(ClientId).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<SignedExecutionReceipt> GetJobReceiptAsync(string jobId, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return await Job(jobId).GetReceiptAsync(ClientId).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<JobHistory> GetJobHistoryAsync(string jobId, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return await Job(jobId).GetHistoryAsync(ClientId).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<AggregatedReceipt> GetJobAggregatedReceiptAsync(string jobId, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return await Job(jobId).GetAggregatedReceiptAsync(ClientId).WaitAsync(cancellationToken).ConfigureAwait(false)
            ?? throw new JobConflictException($"job {jobId} has no aggregated receipt: no committee settled its result (see its verification)");
    }

    /// <inheritdoc />
    public async Task<ChainJobTerms> GetJobChainTermsAsync(string jobId, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return await Job(jobId).GetChainTermsAsync(ClientId).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<EvidenceAcceptance> SubmitEvidenceAsync(DoubleSignEvidence evidence, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(evidence);
        cancellationToken.ThrowIfCancellationRequested();
        var check = DoubleSignEvidenceVerifier.Verify(evidence);
        if (!check.IsValid)
        {
            throw new EvidenceInvalidException($"{check.Failure}: {check.Detail}");
        }

        var hash = Convert.ToHexStringLower(check.EvidenceHash);
        return await _grains.GetGrain<IDoubleSignEvidenceGrain>(hash).SubmitAsync(evidence).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<JobInfo> CancelJobAsync(string jobId, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return await Job(jobId).CancelAsync(ClientId).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<Page<JobLogEntry>> GetJobLogsAsync(string jobId, string? cursor = null, int limit = PageLimits.Default, CancellationToken cancellationToken = default)
    {
        PageLimits.Check(limit);
        cancellationToken.ThrowIfCancellationRequested();
        return await Listings.JobLogsAsync(Job(jobId), jobId, ClientId, cursor, limit).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<Page<JobSummary>> ListJobsAsync(JobStatus? status = null, int limit = PageLimits.Default, string? cursor = null, CancellationToken cancellationToken = default)
    {
        PageLimits.Check(limit);
        cancellationToken.ThrowIfCancellationRequested();
        var jobs = _grains.GetGrain<IClientJobsGrain>(ClientId);
        return await Listings.JobsAsync(jobs, status, cursor, limit).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<Page<WorkerInfo>> ListWorkersAsync(string? cursor = null, int limit = PageLimits.Default, CancellationToken cancellationToken = default)
    {
        PageLimits.Check(limit);
        cancellationToken.ThrowIfCancellationRequested();
        var directory = _grains.GetGrain<IWorkerDirectoryGrain>(IWorkerDirectoryGrain.DefaultKey);
        return await Listings.WorkersAsync(directory, cursor, limit).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<WorkerKeyRegistry> GetWorkerKeyRegistryAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var directory = _grains.GetGrain<IWorkerDirectoryGrain>(IWorkerDirectoryGrain.DefaultKey);
        return await directory.GetKeyRegistryAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<WorkerReputation> GetWorkerReputationAsync(string workerId, CancellationToken cancellationToken = default)
    {
        var reputation = await RegisteredWorkerAsync(workerId, cancellationToken).ConfigureAwait(false);
        return await reputation.GetAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<Page<ReputationEvent>> ListWorkerReputationEventsAsync(string workerId, string? cursor = null, int limit = PageLimits.Default, CancellationToken cancellationToken = default)
    {
        PageLimits.Check(limit);
        var reputation = await RegisteredWorkerAsync(workerId, cancellationToken).ConfigureAwait(false);
        return await Listings.ReputationEventsAsync(reputation, workerId, cursor, limit).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<LedgerJournalPage> GetLedgerJournalAsync(string? cursor = null, int limit = PageLimits.Default, CancellationToken cancellationToken = default)
    {
        PageLimits.Check(limit);
        return await _grains.GetGrain<ISettlement>(ISettlement.DefaultKey).GetJournalAsync(cursor, limit).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The reputation grain of <paramref name="workerId"/> once the worker is known to have registered
    /// (<see cref="WorkerNotFoundException"/> otherwise).</summary>
    private async Task<IReputationGrain> RegisteredWorkerAsync(string workerId, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(workerId))
        {
            throw new InvalidRequestException("worker id: missing");
        }

        cancellationToken.ThrowIfCancellationRequested();
        await _grains.GetGrain<IWorkerGrain>(workerId).GetAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        return _grains.GetGrain<IReputationGrain>(workerId);
    }

    private IProgramNameGrain NameGrain(string name)
    {
        var key = ProgramNames.Normalize(name)
            ?? throw new InvalidRequestException($"name: '{name}' is not a program name (1-64 letters, digits, '-', '_' or '.').");
        return _grains.GetGrain<IProgramNameGrain>(key);
    }

    private IJobGrain Job(string jobId)
    {
        if (!JobIds.IsValid(jobId))
        {
            throw new InvalidRequestException($"job id: '{jobId}' is not a job id (job + 32 lowercase hex).");
        }

        return _grains.GetGrain<IJobGrain>(jobId);
    }
}
