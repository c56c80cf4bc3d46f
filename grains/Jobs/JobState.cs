using Marketplace.GrainInterfaces;

namespace Marketplace.Grains.Jobs;

/// <summary>What a job grain persists: the public view plus what matching and retries need.</summary>
[GenerateSerializer]
[Alias("marketplace.job-state")]
internal sealed class JobState
{
    /// <summary>The job as clients see it (empty <see cref="JobInfo.JobId"/>: never submitted).</summary>
    [Id(0)] public JobInfo Info { get; set; } = new();

    /// <summary>Highest acceptable price per million fuel (0: any).</summary>
    [Id(1)] public long MaxPricePerMillionFuel { get; set; }

    /// <summary>Required worker labels.</summary>
    [Id(2)] public Dictionary<string, string> Constraints { get; set; } = [];

    /// <summary>Time to live before the first start, ms (0: none).</summary>
    [Id(3)] public long TtlMs { get; set; }

    /// <summary>Input blob, if any.</summary>
    [Id(4)] public string? InputBlobId { get; set; }

    /// <summary>Inline input, if any.</summary>
    [Id(5)] public byte[]? InputInline { get; set; }

    /// <summary>When the next matching round may start (end of a backoff).</summary>
    [Id(6)] public DateTimeOffset NextMatchAt { get; set; }

    /// <summary>The job's log, oldest first, bounded.</summary>
    [Id(7)] public List<JobLogEntry> Logs { get; set; } = [];

    /// <summary>Attempts assigned so far.</summary>
    [Id(8)] public int Attempts { get; set; }

    /// <summary>True once an attempt started executing (the TTL no longer applies).</summary>
    [Id(9)] public bool Started { get; set; }

    /// <summary>True while the durable watchdog reminder is registered.</summary>
    [Id(10)] public bool WatchdogRegistered { get; set; }

    /// <summary>Workers that lost an attempt of this job; later rounds prefer others.</summary>
    [Id(11)] public List<string> LostOn { get; set; } = [];

    /// <summary>W3C <c>traceparent</c> of the submitting call (null: it ran outside a trace); every attempt's
    /// <c>marketplace.job.run</c> span joins that trace.</summary>
    [Id(12)] public string? TraceParent { get; set; }

    /// <summary>W3C <c>tracestate</c> of the submitting call.</summary>
    [Id(13)] public string? TraceState { get; set; }

    /// <summary>WASI program arguments from the submission.</summary>
    [Id(14)] public List<string> Args { get; set; } = [];

    /// <summary>WASI program environment from the submission.</summary>
    [Id(15)] public Dictionary<string, string> Env { get; set; } = [];

    /// <summary>SHA-256 of the submission's body (<see cref="JobSubmissionDigest"/>): a resubmit with the same request
    /// id must match it. Null for jobs stored before it was recorded; those accept any resubmit.</summary>
    [Id(16)] public string? SubmissionDigest { get; set; }

    /// <summary>Log lines dropped so far to keep <see cref="Logs"/> bounded (always the oldest after the first); line
    /// i ≥ 1 of <see cref="Logs"/> has sequence number i + this.</summary>
    [Id(17)] public long LogsDropped { get; set; }

    /// <summary>The signed receipt of the last reported run that got one (checked on report, see
    /// <see cref="JobGrain"/>); null before one, and again after a later attempt without one.</summary>
    [Id(18)] public SignedExecutionReceipt? Receipt { get; set; }

    /// <summary>SHA-256 of the job's input bytes, computed at the first receipt checked (a blob input is read once for
    /// it); null before.</summary>
    [Id(19)] public byte[]? InputHash { get; set; }

    /// <summary>The committee size from the submission (null: <see cref="JobsOptions.DefaultCommitteeSize"/>).</summary>
    [Id(20)] public int? CommitteeSize { get; set; }

    /// <summary>The committee as a job stored it inside its own state before verification had a grain of its own: an
    /// open one is handed to the job's verification grain, a closed one still answers for its aggregated receipt.
    /// Not written any more.</summary>
    [Id(21)] public CommitteeRecord? Committee { get; set; }

    /// <summary>What the job escrowed at submit (<c>max_fuel × max price</c>, see JobGrain.Settlement.cs); 0 when
    /// the job was submitted while jobs were not paid through the settlement.</summary>
    [Id(22)] public UInt128 Escrowed { get; set; }

    /// <summary>True from the moment the job ended with an escrow until the settlement answered its pay or refund;
    /// the job's timer and watchdog reminder retry it while it is set.</summary>
    [Id(23)] public bool SettlementOwed { get; set; }

    /// <summary>The settlement's answer (paid or refunded) once it landed; null before.</summary>
    [Id(24)] public JobSettlement? Settlement { get; set; }

    /// <summary>The committee members that verified the job's result and share the committee fee
    /// (<see cref="JobPayout.Committee"/>). The one place the payout takes them from: empty until committees verify
    /// results, then the executor gets the whole charge.</summary>
    [Id(25)] public List<string> CommitteeMemberIds { get; set; } = [];

    /// <summary>Settlement calls that failed so far (shown in the job's log; the retry delay grows with it).</summary>
    [Id(26)] public int SettlementFailures { get; set; }

    /// <summary>The worker paid as the job's executor when a committee settled against the executor's result (the
    /// worker whose receipt represents the winning result); null: <see cref="JobInfo.WorkerId"/>.</summary>
    [Id(27)] public string? PayeeId { get; set; }

    /// <summary>1 in how many runs a committee re-executes (<see cref="CommitteeSample"/>): the silo's
    /// <see cref="JobsOptions.CommitteeSampleEvery"/> when the submission named no committee size, else 1; 0 (a job
    /// stored before sampling existed) is every run.</summary>
    [Id(28)] public int CommitteeSampleEvery { get; set; }

    /// <summary>The job's secret sample salt (<see cref="CommitteeSample.SaltBytes"/> random bytes from submit); its
    /// commitment is in the job's log from submit, the salt itself is revealed with the verification of a run.</summary>
    [Id(29)] public byte[]? SampleSalt { get; set; }

    /// <summary>True while the job's escrow is not confirmed: the settlement did not answer the submit's escrow within
    /// <see cref="JobsOptions.EscrowAtSubmitWait"/> (its silo died, or it is slow). The job is escrowed before it is
    /// matched, and fails <see cref="FailureReason.InsufficientFunds"/> when the escrow is refused.</summary>
    [Id(30)] public bool EscrowPending { get; set; }

    /// <summary>The storage deal whose blob is the input, when <see cref="InputBlobId"/> names a deal's blob rather than a
    /// chunk-store blob the client may read; workers read it through the deal's decoder.</summary>
    [Id(31)] public string? InputDealId { get; set; }

    /// <summary>The hash of each line of <see cref="Logs"/>, in step with it (<see cref="JobHistoryChain.EntryHash"/>).</summary>
    [Id(32)] public List<byte[]> LogHashes { get; set; } = [];

    /// <summary>The hash of the last line dropped from <see cref="Logs"/>, which the line after the first chains from;
    /// null while none was dropped.</summary>
    [Id(33)] public byte[]? DroppedLogHash { get; set; }

    /// <summary>True from the run's acceptance for verification until the job ends: its verification grain
    /// (<see cref="Verification.IJobVerificationGrain"/>) holds the committee.</summary>
    [Id(34)] public bool VerificationOpen { get; set; }

    /// <summary>How many of the verification's log lines the job has taken into <see cref="Logs"/>.</summary>
    [Id(35)] public int VerificationLogsTaken { get; set; }

    /// <summary>The settled aggregated receipt (null until settled, and for a job not verified by a committee).</summary>
    [Id(36)] public AggregatedReceipt? Aggregated { get; set; }
}
