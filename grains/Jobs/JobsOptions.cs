namespace Marketplace.Grains.Jobs;

/// <summary>Jobs and workers settings, bound from <c>Marketplace:Jobs</c>. Defaults suit a production silo; tests
/// shorten the delays.</summary>
internal sealed class JobsOptions
{
    /// <summary>How long a matching round collects bids (default 5 ms); it closes early once every online worker
    /// answered.</summary>
    public TimeSpan BidWindow { get; set; } = TimeSpan.FromMilliseconds(5);

    /// <summary>When the bid window ends without an eligible bid while online workers have not answered yet (a busy
    /// silo), matching keeps waiting for them up to this long after the announcement (default 2 s), then gives up on
    /// the silent ones.</summary>
    public TimeSpan BidWaitLimit { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Backoff before retry n is <c>RetryBaseDelay × 2^(n-1)</c> (default 5 s), capped by
    /// <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>A job whose workers are all busy (full, or holding the client's share of their queues) waits for a
    /// worker to tell it that room opened; it also offers itself again after <c>BusyWaitBase × 2^(n-1)</c> for its
    /// n-th busy round (default 100 ms), capped by <see cref="WokenWaitMax"/>, in case that word never comes. These
    /// rounds cost no retry. The same base, capped by <see cref="BusyWaitMax"/>, spaces the rounds of a job waiting
    /// for absent workers.</summary>
    public TimeSpan BusyWaitBase { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Longest wait between the rounds of a job waiting for absent workers (default 2 s).</summary>
    public TimeSpan BusyWaitMax { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Longest wait between the fallback polls of a job that is woken when it may go on: one waiting for room
    /// on a worker (the worker's waitlist wakes it when room opens) or for a place in its client's quota (the client's
    /// job list hands places in submit order). Polls are only for a wake that is lost, so they are rare; each is a
    /// matching round, and a backlog of hundreds of jobs polling every 2 s kept the cluster busy announcing them
    /// (default 10 s).</summary>
    public TimeSpan WokenWaitMax { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a job waits, charged no retry, when every worker that could run it is absent: offline (its
    /// heartbeat is late), silent in the bid window, or unreachable when assigned, as on an overloaded machine or
    /// while a dead silo is not yet declared dead (default 2 minutes). Past it the job retries or fails with
    /// <c>no_eligible_worker</c> as before; a worker that declines for a reason of its own never makes a job wait.</summary>
    public TimeSpan AbsentWorkerWait { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Longest backoff (default 5 min).</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>After a job's grain is reactivated with the job unfinished (its silo restarted or died), a matching
    /// round that finds no worker at all waits for workers to come back instead of failing the job, for up to this
    /// long after the reactivation (default 60 s); such rounds cost the job no retry.</summary>
    public TimeSpan ResumeGrace { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long an attempt stays assigned without a lease renewal from its worker (default 10 s); then the
    /// attempt counts as lost (<c>WorkerLost</c>) and the job retries elsewhere.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often worker hosts heartbeat and renew the leases of their attempts (default 2 s).</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>A worker without a heartbeat for this long is offline (default 6 s).</summary>
    public TimeSpan WorkerOfflineAfter { get; set; } = TimeSpan.FromSeconds(6);

    /// <summary>How long a finished job's grain stays in memory after the job ended or was read back from storage
    /// (default 30 s); later reads load it again. Bounds the memory of a busy silo: without it a finished job's
    /// activation would stay until Orleans' idle collection (15 minutes by default).</summary>
    public TimeSpan FinishedJobIdle { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Log lines kept per job; older lines are dropped, the first is kept (default 200).</summary>
    public int MaxLogEntries { get; set; } = 200;

    /// <summary>Largest input a job may name, bytes: a blob, or a storage deal's blob (default 512 MiB, which is also
    /// the most it may be: a worker reads the whole input into the program's memory). A submit naming a larger one
    /// answers <c>invalid_request</c> (HTTP 400) before anything is read.</summary>
    public long MaxInputBytes { get; set; } = GrainInterfaces.JobLimits.MaxMemoryBytes;

    /// <summary>Jobs kept in a client's list, newest first (default 1,000; older jobs stay readable by id).</summary>
    public int MaxClientJobs { get; set; } = 1_000;

    /// <summary>Unfinished (pending, matching or running) jobs one client may have at once (default 500); a submit
    /// beyond it answers <c>quota_exceeded</c> (HTTP 429). At most <see cref="MaxClientJobs"/>.</summary>
    public int MaxUnfinishedJobsPerClient { get; set; } = 500;

    /// <summary>Per-client overrides of <see cref="MaxUnfinishedJobsPerClient"/> (client id → limit).</summary>
    public Dictionary<string, int> UnfinishedJobsPerClient { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Jobs of one client looking for a worker or running at once (default 0: no quota beyond the fair
    /// share every worker gives each client); the client's other unfinished jobs wait, pending, in submit order.</summary>
    public int MaxConcurrentJobsPerClient { get; set; }

    /// <summary>Per-client overrides of <see cref="MaxConcurrentJobsPerClient"/> (client id → limit; 0: none).</summary>
    public Dictionary<string, int> ConcurrentJobsPerClient { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Fuel one client's jobs may burn per hour, counting the budgets of its unfinished jobs (default
    /// 1,000,000,000,000, two thousand jobs at the largest budget; 0: no quota). A submit beyond it answers
    /// <c>quota_exceeded</c> (HTTP 429).</summary>
    public long MaxFuelPerHourPerClient { get; set; } = 1_000_000_000_000;

    /// <summary>Per-client overrides of <see cref="MaxFuelPerHourPerClient"/> (client id → fuel; 0: none).</summary>
    public Dictionary<string, long> FuelPerHourPerClient { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The unfinished-jobs quota of <paramref name="clientId"/>.</summary>
    internal int UnfinishedJobLimit(string clientId) =>
        UnfinishedJobsPerClient.TryGetValue(clientId, out var own) ? own : MaxUnfinishedJobsPerClient;

    /// <summary>The concurrent-jobs quota of <paramref name="clientId"/>; <see cref="int.MaxValue"/> when none.</summary>
    internal int ConcurrentJobLimit(string clientId)
    {
        var limit = ConcurrentJobsPerClient.TryGetValue(clientId, out var own) ? own : MaxConcurrentJobsPerClient;
        return limit > 0 ? limit : int.MaxValue;
    }

    /// <summary>The fuel-per-hour quota of <paramref name="clientId"/>; 0 when none.</summary>
    internal long FuelPerHourLimit(string clientId) =>
        FuelPerHourPerClient.TryGetValue(clientId, out var own) ? own : MaxFuelPerHourPerClient;

    /// <summary>How long a client's list may stay unwritten after a change; changes in between share one write
    /// (default 1 s).</summary>
    public TimeSpan ClientListFlushDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often a client's list reads the jobs it lists as unfinished, and submitted at least this long
    /// ago, from the jobs themselves, so an end it never heard of (its silo died before the next write, or the job's
    /// call found that silo dead) stops counting against the client's quota; the first read is 5 s after the list is
    /// activated (default 1 min).</summary>
    public TimeSpan ClientListCheckInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>A job still unfinished this long after submit registers a durable reminder so it resumes after a
    /// silo restart or death (default 0: at submit, before the submit is answered, so the survivors of a silo that dies
    /// at once find every accepted job; a positive value saves the reminder's two writes for jobs that finish sooner,
    /// and such a job younger than it at a silo's death waits for its next call). Jobs are also written with their
    /// reminder when their grain deactivates.</summary>
    public TimeSpan WatchdogAfter { get; set; } = TimeSpan.Zero;

    /// <summary>How long a submit waits for the watchdog reminder's registration before it answers without it
    /// (default 500 ms). The reminder service of a job's hash range may sit on a silo that just died and is not yet
    /// declared dead; the submit then does not wait for the declaration: the job's timer registers the reminder.</summary>
    public TimeSpan WatchdogAtSubmitWait { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How long a paid submit waits for the settlement's escrow before it answers with the escrow pending
    /// (default 1 s). The settlement is one grain per cluster; when its silo just died and is not declared dead yet,
    /// the job is accepted all the same and escrowed before it is matched (it fails <c>insufficient_funds</c> if the
    /// escrow is then refused). A refusal within the wait is the submit's answer, as before.</summary>
    public TimeSpan EscrowAtSubmitWait { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a submit sent again (same request id) keeps asking for its job when the silo that took the
    /// first try died with the job's grain and is not yet declared dead (default 8 s: a declaration took up to 7 s on a
    /// loaded 2-core host): the grain cannot move before the declaration, so the silo asks again (at once after a try
    /// the declaration itself ended, else after 250 ms, 500 ms, then every second) instead of answering <c>503</c> and
    /// costing the client a try. <c>0</c>: answer at once.</summary>
    public TimeSpan SubmitFailoverWait { get; set; } = TimeSpan.FromSeconds(8);

    /// <summary>The reputation at or above which a worker ranks as fully trusted in matching (default 0.8, the
    /// reputation prior, so a fresh worker ranks with a veteran and equal workers share the work; only a record of
    /// failures, a score below it, costs work). Keep it at <c>Marketplace:Reputation:Score:Prior</c> when that
    /// changes.</summary>
    public double ReputationAtPar { get; set; } = BidScore.DefaultReputationAtPar;

    /// <summary>Period of that reminder (default 1 min; at least the silo's minimum reminder period).</summary>
    public TimeSpan WatchdogPeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long a silo reuses the list of online workers before asking the directory again (default
    /// 100 ms).</summary>
    public TimeSpan OnlineWorkersCacheAge { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Workers hosted when <c>Marketplace:Workers</c> is empty (default 2).</summary>
    public int DefaultWorkers { get; set; } = 2;

    /// <summary>Id prefix of the default workers: <c>{prefix}1</c>, <c>{prefix}2</c>, ... (default <c>w</c>). Worker ids
    /// are unique in a cluster, so each silo of a cluster needs its own prefix (the silo host sets one from its silo
    /// port when none is configured).</summary>
    public string DefaultWorkerPrefix { get; set; } = "w";

    /// <summary>When jobs are paid through the settlement (<c>Marketplace:Ledger:Enabled</c>), a job submitted without
    /// a max price (0) is escrowed and matched at this price per million fuel (default 10; the default worker asks 1).
    /// 0: such a job is refused with <c>invalid_request</c> naming <c>maxPricePerMillionFuel</c>.</summary>
    public long DefaultMaxPricePerMillionFuel { get; set; } = 10;

    /// <summary>A settlement call (pay or refund) of a finished job that failed is retried after
    /// <c>SettlementRetryDelay × 2^(n-1)</c> (default 1 s), capped by <see cref="MaxRetryDelay"/>, until it lands;
    /// the watchdog reminder also retries it after a restart.</summary>
    public TimeSpan SettlementRetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>While jobs are paid through the settlement, a worker reads its bonded stake from the settlement at
    /// registration, then with a heartbeat at most this often (default 30 s), and at once when the stake routes
    /// change it (<c>IWorkerGrain.RefreshStakeAsync</c>); bids use the cached value, never a settlement call.</summary>
    public TimeSpan StakeRefreshInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Where worker BLS keys are kept (default <c>{Marketplace:DataFolder}/workers</c>, else
    /// <c>./data/workers</c>).</summary>
    public string? WorkerKeyFolder { get; set; }

    /// <summary>Most executor receipts a worker signs under one batch root (default 64; 1: every receipt signed alone).
    /// A batch holds only the receipts that ended while the previous signature was being made, so at low load every
    /// receipt is signed alone anyway (grain-interfaces/Receipts/README.md, "Batch-signed receipts").</summary>
    public int ReceiptBatchLimit { get; set; } = 64;

    /// <summary>How long the first receipt of a batch waits at most for the receipts of the worker's other runs in
    /// progress (default 2 ms). A worker with no other run in progress or queued signs at once.</summary>
    public TimeSpan ReceiptBatchWindow { get; set; } = TimeSpan.FromMilliseconds(2);

    /// <summary>Committee size of a job that does not name one (<c>committee_size</c>; default 2): how many other
    /// workers re-execute a completed run and sign the receipt they agree with. 0: no committee.</summary>
    public int DefaultCommitteeSize { get; set; } = 2;

    /// <summary>1 in how many runs of a job that names no committee size the default committee re-executes (default
    /// 16; 1: every run). Which runs is drawn from the run's receipt hash and a salt the job keeps secret until the run
    /// is reported (<see cref="GrainInterfaces.CommitteeSample"/>), so no worker knows before it signs whether it will be checked. A job
    /// that names its <c>committee_size</c> is re-executed on every run.</summary>
    public int CommitteeSampleEvery { get; set; } = 16;

    /// <summary>Rounds of fresh re-run workers a job draws after its committee disagreed, before it fails as disputed
    /// without a strict majority (default 2).</summary>
    public int MaxRerunRounds { get; set; } = 2;

    /// <summary>How long past the job's timeout a committee member has to answer (default 10 s); then it is recorded
    /// unavailable and replaced by the next worker in draw order.</summary>
    public TimeSpan CommitteeDeadlineMargin { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a job's verification waits for a committee member's silo to take a request, a cancel or a
    /// question whether it still holds its re-execution (default 5 s); a member that does not answer in time counts
    /// as unreachable and is replaced. Bounds each of the verification's turns, so a member on a host that died and
    /// is not yet declared dead never holds the job.</summary>
    public TimeSpan CommitteeMemberCallTimeout { get; set; } = TimeSpan.FromSeconds(5);
}
