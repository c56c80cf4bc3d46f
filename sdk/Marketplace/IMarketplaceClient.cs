using Marketplace.GrainInterfaces;

namespace Marketplace.Sdk;

/// <summary>
/// The marketplace's operations for one client: blobs, programs, jobs, workers, storage and money. Two
/// implementations share this contract and its behaviour: <c>HttpMarketplaceClient</c> (the HTTP API under
/// <c>/v1</c>, authenticated with an API key) and <c>GrainMarketplaceClient</c> (grain calls through a connected
/// <see cref="IClusterClient"/>, for trusted code next to the cluster). Failures surface as the typed <see cref="MarketplaceException"/> subclasses of
/// grain-interfaces with their stable codes, whichever transport carried them.
/// </summary>
public interface IMarketplaceClient
{
    /// <summary>The client id jobs are submitted and listed under, and blobs are uploaded for and read as.</summary>
    string ClientId { get; }

    /// <summary>Uploads <paramref name="content"/> as a blob, streaming (never buffered whole).</summary>
    /// <param name="content">The bytes; read to its end.</param>
    /// <param name="mediaType">Media type to record (null: application/octet-stream).</param>
    /// <param name="progress">Receives the number of bytes sent so far.</param>
    /// <param name="cancellationToken">Stops the upload.</param>
    /// <exception cref="QuotaExceededException">Owning the blob would take this client past its stored-bytes quota
    /// (bytes it owns already are free).</exception>
    Task<BlobManifest> UploadBlobAsync(Stream content, string? mediaType = null, IProgress<long>? progress = null, CancellationToken cancellationToken = default);

    /// <summary>A blob's manifest. Throws <see cref="BlobNotFoundException"/>, also for a blob this client may not
    /// read.</summary>
    Task<BlobManifest> GetBlobManifestAsync(string blobId, CancellationToken cancellationToken = default);

    /// <summary>Streams a blob (or the range [<paramref name="offset"/>, +<paramref name="length"/>)) into
    /// <paramref name="destination"/>, every chunk verified. Throws <see cref="BlobIntegrityException"/> on damage.</summary>
    Task DownloadBlobAsync(string blobId, Stream destination, long offset = 0, long? length = null, IProgress<long>? progress = null, CancellationToken cancellationToken = default);

    /// <summary>A Merkle inclusion proof for chunk <paramref name="index"/> of a blob.</summary>
    Task<ChunkProof> GetChunkProofAsync(string blobId, int index, CancellationToken cancellationToken = default);

    /// <summary>Who may read a blob this client owns. Throws <see cref="BlobNotFoundException"/> for a blob it does not
    /// own (also one shared with it).</summary>
    Task<BlobAccessList> GetBlobAccessAsync(string blobId, CancellationToken cancellationToken = default);

    /// <summary>Lets <paramref name="clientId"/> read a blob this client owns (idempotent). Throws
    /// <see cref="BlobNotFoundException"/> for a blob it does not own, <see cref="BlobAccessListFullException"/> when
    /// the blob's owners and grants are at the silo's bound (publish it instead).</summary>
    Task<BlobAccessList> ShareBlobAsync(string blobId, string clientId, CancellationToken cancellationToken = default);

    /// <summary>Revokes what <see cref="ShareBlobAsync"/> granted <paramref name="clientId"/> (idempotent; an owner
    /// stays an owner).</summary>
    Task<BlobAccessList> UnshareBlobAsync(string blobId, string clientId, CancellationToken cancellationToken = default);

    /// <summary>Makes a blob this client owns readable by every client (idempotent).</summary>
    Task<BlobAccessList> PublishBlobAsync(string blobId, CancellationToken cancellationToken = default);

    /// <summary>Makes a blob this client owns readable again only by its owners and the clients it is shared with.</summary>
    Task<BlobAccessList> UnpublishBlobAsync(string blobId, CancellationToken cancellationToken = default);

    /// <summary>Gives up this client's ownership of a blob and releases its bytes from the client's stored bytes; when
    /// it was the last owner the blob is removed (it then answers as not stored to everyone). Throws
    /// <see cref="BlobNotFoundException"/> for a blob this client does not own (also one shared with it or public).</summary>
    Task DeleteBlobAsync(string blobId, CancellationToken cancellationToken = default);

    /// <summary>The bytes and number of the blobs this client owns, and its quota (<see cref="ClientStorage"/>). An
    /// upload past the quota throws <see cref="QuotaExceededException"/>.</summary>
    Task<ClientStorage> GetStorageAsync(CancellationToken cancellationToken = default);

    /// <summary>Deploys a signed program. Throws <see cref="ProgramRejectedException"/> naming the failed check.</summary>
    Task<ProgramInfo> DeployProgramAsync(ProgramDeployment deployment, CancellationToken cancellationToken = default);

    /// <summary>A program by id, <c>name@version</c>, <c>name@latest</c> or bare name.</summary>
    Task<ProgramInfo> GetProgramAsync(string reference, CancellationToken cancellationToken = default);

    /// <summary>The value of <paramref name="key"/> in a program's state (null when absent) with its sparse Merkle
    /// proof against the state root; check it with <see cref="StateProofs.Verify"/>.</summary>
    Task<StateProof> GetStateProofAsync(string program, byte[] key, CancellationToken cancellationToken = default);

    /// <summary>A page of the program catalog (every deployed version, by name then version): up to
    /// <paramref name="limit"/> entries (1 to <see cref="PageLimits.Max"/>) after <paramref name="cursor"/> (null: the
    /// first page). Throws <see cref="InvalidRequestException"/> for a bad limit or cursor.</summary>
    Task<Page<ProgramInfo>> ListProgramsAsync(string? cursor = null, int limit = PageLimits.Default, CancellationToken cancellationToken = default);

    /// <summary>A page of the versions deployed under one program name, by version. Throws
    /// <see cref="ProgramNotFoundException"/> when nothing is deployed under it.</summary>
    Task<Page<ProgramInfo>> ListProgramVersionsAsync(string name, string? cursor = null, int limit = PageLimits.Default, CancellationToken cancellationToken = default);

    /// <summary>A program name's owner, delegates, delegation nonce and version count. Throws
    /// <see cref="ProgramNotFoundException"/>.</summary>
    Task<ProgramNameInfo> GetProgramNameAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Records a delegation signed by the name's owner (<see cref="ProgramDelegations.Create"/>) and returns
    /// the name's new info. Throws <see cref="ProgramRejectedException"/> (bad signature, stale nonce),
    /// <see cref="AccessDeniedException"/> (not signed by the owner), <see cref="ProgramNotFoundException"/>.</summary>
    Task<ProgramNameInfo> DelegateProgramNameAsync(ProgramDelegation delegation, CancellationToken cancellationToken = default);

    /// <summary>A program's whole state (version, root, entries): the current one, or with <paramref name="root"/> (64
    /// hex) the version it had at that root while it still keeps it, e.g. a receipt's <c>state_root_in</c> to replay
    /// the run. Throws <see cref="ProgramNotFoundException"/>, <see cref="StateNotKeptException"/>,
    /// <see cref="InvalidRequestException"/> for a malformed root.</summary>
    Task<StateSnapshot> GetProgramStateAsync(string program, string? root = null, CancellationToken cancellationToken = default);

    /// <summary>Submits a job under <see cref="ClientId"/> (the submission's own ClientId is ignored). Idempotent per
    /// request id.</summary>
    Task<JobInfo> SubmitJobAsync(JobSubmission submission, CancellationToken cancellationToken = default);

    /// <summary>A job's status. Throws <see cref="JobNotFoundException"/>, <see cref="AccessDeniedException"/>.</summary>
    Task<JobInfo> GetJobAsync(string jobId, CancellationToken cancellationToken = default);

    /// <summary>A finished job's signed execution receipt (check it offline with <see cref="ReceiptVerifier"/>). Throws
    /// <see cref="JobNotFoundException"/>, <see cref="AccessDeniedException"/>, and <see cref="JobConflictException"/>
    /// while the job has not finished or when its run got no receipt.</summary>
    Task<SignedExecutionReceipt> GetJobReceiptAsync(string jobId, CancellationToken cancellationToken = default);

    /// <summary>A job's log as a hash chain (check it offline with <see cref="JobHistoryChain.Verify"/>, against a head
    /// kept from an earlier look). Throws <see cref="JobNotFoundException"/> and <see cref="AccessDeniedException"/>.</summary>
    Task<JobHistory> GetJobHistoryAsync(string jobId, CancellationToken cancellationToken = default);

    /// <summary>A finished job's receipt as its committee settled it: the winning receipt with the members' aggregate
    /// BLS signature (check it offline with <see cref="AggregatedReceiptVerifier"/> against
    /// <see cref="GetWorkerKeyRegistryAsync"/>). Throws <see cref="JobNotFoundException"/>,
    /// <see cref="AccessDeniedException"/>, and <see cref="JobConflictException"/> while the job has not finished or
    /// when no committee settled it (committee size 0, no other worker, or a run that changed program state).</summary>
    Task<AggregatedReceipt> GetJobAggregatedReceiptAsync(string jobId, CancellationToken cancellationToken = default);

    /// <summary>A completed job's terms for release on proof, signed by the account that escrowed it on the chain
    /// (keep them with the receipt: <c>marketplace claim --terms</c>). Throws <see cref="JobNotFoundException"/>,
    /// <see cref="AccessDeniedException"/>, and <see cref="JobConflictException"/> for a job that did not complete or
    /// was not paid through a chain with release on proof.</summary>
    Task<ChainJobTerms> GetJobChainTermsAsync(string jobId, CancellationToken cancellationToken = default);

    /// <summary>Cancels a job. Throws <see cref="JobConflictException"/> when it already finished.</summary>
    Task<JobInfo> CancelJobAsync(string jobId, CancellationToken cancellationToken = default);

    /// <summary>A page of a job's log lines, oldest first.</summary>
    Task<Page<JobLogEntry>> GetJobLogsAsync(string jobId, string? cursor = null, int limit = PageLimits.Default, CancellationToken cancellationToken = default);

    /// <summary>A page of this client's jobs, newest first, optionally only those in <paramref name="status"/> (a
    /// cursor continues the listing it came from, status included).</summary>
    Task<Page<JobSummary>> ListJobsAsync(JobStatus? status = null, int limit = PageLimits.Default, string? cursor = null, CancellationToken cancellationToken = default);

    /// <summary>A page of the registered workers, by id.</summary>
    Task<Page<WorkerInfo>> ListWorkersAsync(string? cursor = null, int limit = PageLimits.Default, CancellationToken cancellationToken = default);

    /// <summary>The worker key registry: its epoch and every registered worker's BLS key and proof of possession (what
    /// a verifier checks an aggregated receipt's members against).</summary>
    Task<WorkerKeyRegistry> GetWorkerKeyRegistryAsync(CancellationToken cancellationToken = default);

    /// <summary>A worker's reputation: score, counts, ban, and what the score is computed from. Throws
    /// <see cref="WorkerNotFoundException"/> for a worker that never registered.</summary>
    Task<WorkerReputation> GetWorkerReputationAsync(string workerId, CancellationToken cancellationToken = default);

    /// <summary>Hands in double-sign evidence (<see cref="DoubleSignEvidence.From"/>): once checked, the worker whose key
    /// signed both receipts gets the maximum penalty, once per piece of evidence (a repeat answers
    /// <see cref="EvidenceAcceptance.Repeated"/> and changes nothing). Throws <see cref="EvidenceInvalidException"/>
    /// when it does not prove a double sign by a registered worker.</summary>
    Task<EvidenceAcceptance> SubmitEvidenceAsync(DoubleSignEvidence evidence, CancellationToken cancellationToken = default);

    /// <summary>A page of a worker's kept reputation events, oldest first. Throws
    /// <see cref="WorkerNotFoundException"/> for a worker that never registered.</summary>
    Task<Page<ReputationEvent>> ListWorkerReputationEventsAsync(string workerId, string? cursor = null, int limit = PageLimits.Default, CancellationToken cancellationToken = default);

    /// <summary>Operators only: a page of the settlement's journal, oldest first, each entry with its hash in the
    /// ledger's hash chain, and the chain's anchor and head (assemble a <see cref="LedgerHistory"/> and check it offline
    /// with <see cref="LedgerHistoryChain.Verify"/>). Throws <see cref="AccessDeniedException"/> for other clients and
    /// <see cref="InvalidRequestException"/> for a bad cursor or limit.</summary>
    Task<LedgerJournalPage> GetLedgerJournalAsync(string? cursor = null, int limit = PageLimits.Default, CancellationToken cancellationToken = default);

    /// <summary>Stores <paramref name="content"/> with storage providers under <paramref name="policy"/> (default
    /// 4+2) at most <paramref name="maxPricePerGiBMonth"/> (default: any price); <paramref name="dealId"/> makes the
    /// call idempotent (default: the server makes one); the deal lasts <paramref name="durationDays"/> days (default 30,
    /// 1 to 3650), then its fragments are deleted. Throws <see cref="DealNotPlacedException"/> naming each
    /// provider refused and why.</summary>
    Task<DealStatus> StoreAsync(byte[] content, DurabilityPolicy? policy = null, long? maxPricePerGiBMonth = null, string? dealId = null, int? durationDays = null, CancellationToken cancellationToken = default);

    /// <summary>Stores the rest of <paramref name="content"/> as <see cref="StoreAsync(byte[], DurabilityPolicy?, long?, string?, int?, CancellationToken)"/>
    /// does, reading it as it is sent and reporting the bytes sent to <paramref name="progress"/>. Over HTTP the body
    /// streams (a seekable stream gives its length; the silo encodes it stripe by stripe); through the grains the
    /// stream is read into memory first.</summary>
    Task<DealStatus> StoreAsync(Stream content, DurabilityPolicy? policy = null, long? maxPricePerGiBMonth = null, string? dealId = null, int? durationDays = null, IProgress<long>? progress = null, CancellationToken cancellationToken = default);

    /// <summary>Stores blob <paramref name="blobId"/>, which this client may read (an upload, a job's output, a blob
    /// shared with it), as a deal, with the options of <see cref="StoreAsync(byte[], DurabilityPolicy?, long?, string?, int?, CancellationToken)"/>.
    /// The bytes move inside the cluster over HTTP; through the grains they pass through this client. Throws
    /// <see cref="BlobNotFoundException"/> for a blob it may not read.</summary>
    Task<DealStatus> StoreBlobAsync(string blobId, DurabilityPolicy? policy = null, long? maxPricePerGiBMonth = null, string? dealId = null, int? durationDays = null, CancellationToken cancellationToken = default);

    /// <summary>One of this client's deals with its fragments' health. Throws <see cref="DealNotFoundException"/>.</summary>
    Task<DealStatus> GetDealAsync(string dealId, CancellationToken cancellationToken = default);

    /// <summary>This client's newest deals (1-100), newest first.</summary>
    Task<DealList> ListDealsAsync(int limit = 20, CancellationToken cancellationToken = default);

    /// <summary>Reads a stored blob (or <paramref name="length"/> bytes from <paramref name="offset"/>; null: to the
    /// end), rebuilt from the first k fragments that verify. Throws <see cref="StorageUnavailableException"/> when
    /// fewer than k answer.</summary>
    Task<byte[]> RetrieveAsync(string dealId, long offset = 0, long? length = null, CancellationToken cancellationToken = default);

    /// <summary>Writes a stored blob (or <paramref name="length"/> bytes from <paramref name="offset"/>) into
    /// <paramref name="destination"/> as it is decoded, reporting the bytes written to <paramref name="progress"/>.
    /// Throws <see cref="DealNotFoundException"/>, <see cref="StorageUnavailableException"/>.</summary>
    Task RetrieveAsync(string dealId, Stream destination, long offset = 0, long? length = null, IProgress<long>? progress = null, CancellationToken cancellationToken = default);

    /// <summary>Ends the deal now, as its term's end would (periods begun settled, every fragment deleted); returns
    /// it ended. Repeatable; a deal still being placed ends too (its upload under way fails). Throws
    /// <see cref="DealNotFoundException"/>.</summary>
    Task<DealStatus> DeleteDealAsync(string dealId, CancellationToken cancellationToken = default);

    /// <summary>Runs an audit round of the deal now (and a repair when it is due); returns the deal after it.</summary>
    Task<DealStatus> AuditDealAsync(string dealId, CancellationToken cancellationToken = default);

    /// <summary>Every storage provider the directory knows, ordered by id: online, capacity, free bytes, price per
    /// GiB-month, labels, public key, silo and when it last announced itself. A provider registered but not heard since
    /// the directory started is listed offline with nothing to offer.</summary>
    Task<StorageProviderList> ListStorageProvidersAsync(CancellationToken cancellationToken = default);

    /// <summary>One storage provider: its newest advertisement, its reputation and its stake in the settlement. Throws
    /// <see cref="ProviderNotFoundException"/> for a provider the directory does not know and
    /// <see cref="InvalidRequestException"/> for an id that is not a provider id.</summary>
    Task<StorageProviderView> GetStorageProviderAsync(string providerId, CancellationToken cancellationToken = default);

    /// <summary>This client's available balance and the sum of its open job escrows, in smallest units (a millionth of
    /// a price unit); zero for a client never funded.</summary>
    Task<ClientBalance> GetBalanceAsync(CancellationToken cancellationToken = default);

    /// <summary>Operators only: credits <paramref name="amount"/> smallest units from outside to the balance of
    /// <paramref name="clientId"/> (null: <see cref="ClientId"/>). Idempotent by <paramref name="depositId"/>: a repeat
    /// with the same id, client and amount returns the first receipt and credits nothing. Throws
    /// <see cref="AccessDeniedException"/> over HTTP for a client that is not one of the silo's operators
    /// (<c>Marketplace:Api:Operators</c>) and <see cref="GatewayRefusedException"/> through a gateway service that is
    /// not an operator service; <see cref="InvalidRequestException"/> for an amount of 0 or a malformed id;
    /// <see cref="SettlementConflictException"/> for an id used before with another client or amount;
    /// <see cref="AmountOverflowException"/> when the balance would pass <see cref="UInt128.MaxValue"/>.</summary>
    Task<LedgerReceipt> DepositAsync(UInt128 amount, string depositId, string? clientId = null, CancellationToken cancellationToken = default);

    /// <summary>A worker's bonded stake, its unbonding amounts with their release times, its earnings, and whether the
    /// bonded stake reaches the settlement's minimum (zero for a worker never staked). Throws
    /// <see cref="InvalidRequestException"/> for a malformed worker id.</summary>
    Task<WorkerStake> GetWorkerStakeAsync(string workerId, CancellationToken cancellationToken = default);

    /// <summary>Operators only (as for <see cref="DepositAsync"/>): bonds <paramref name="amount"/> smallest units from
    /// outside as the worker's stake; the worker bids with it at once. Idempotent by <paramref name="operationId"/>.
    /// Throws <see cref="InvalidRequestException"/> for an amount of 0 or a malformed id,
    /// <see cref="SettlementConflictException"/> for an id used before with another worker or amount.</summary>
    Task<LedgerReceipt> StakeAsync(string workerId, UInt128 amount, string operationId, CancellationToken cancellationToken = default);

    /// <summary>Operators only (as for <see cref="DepositAsync"/>): moves <paramref name="amount"/> of the worker's
    /// bonded stake to unbonding, released after the settlement's unstake delay (the receipt's
    /// <see cref="LedgerReceipt.ReleaseAt"/>); unbonding stake no longer counts for matching but can still be slashed.
    /// Idempotent by <paramref name="operationId"/>. Throws <see cref="InsufficientFundsException"/> when the bonded
    /// stake is smaller, <see cref="InvalidRequestException"/>, <see cref="SettlementConflictException"/>.</summary>
    Task<LedgerReceipt> UnstakeAsync(string workerId, UInt128 amount, string operationId, CancellationToken cancellationToken = default);

    /// <summary>Operators only (as for <see cref="DepositAsync"/>): pays out every unbonding amount of the worker whose
    /// release time has passed. A call that finds nothing released answers a receipt of 0 (sequence 0) and moves
    /// nothing.</summary>
    Task<LedgerReceipt> WithdrawUnstakedAsync(string workerId, CancellationToken cancellationToken = default);
}
