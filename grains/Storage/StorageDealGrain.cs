// Design note: the deal grain owns a blob's life in the storage market. At create it places the k + m fragments on
// distinct providers (distinct silos first) and records the placement; the bytes are then encoded (systematic
// Reed-Solomon, storage/ReedSolomon) stripe by stripe as they stream in and written to the providers in pieces
// (DealTransfers), and the grain records each fragment's SHA-256 and the Merkle root of its chunks. From then on only those digests
// are trusted: reads verify every fragment against them and decode from the first k that match; audits ask each
// provider for random chunks and check the proof against the recorded root; repair rebuilds what is not healthy from
// k healthy fragments onto providers holding none of the deal. State is written before data moves (a repair plan
// first), so a silo restart in the middle resumes the same work.
using Marketplace.GrainInterfaces;
using Marketplace.Grains.Blobs;
using Marketplace.Storage.ReedSolomon;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Marketplace.Grains.Storage;

/// <summary>A storage deal (<see cref="IStorageDealGrain"/>).</summary>
internal sealed partial class StorageDealGrain(
    [PersistentState("storage-deal")] IPersistentState<StorageDealState> state,
    IOptions<StorageOptions> options,
    IOptions<BlobOptions> blobOptions,
    [FromKeyedServices(StorageOptions.ClockKey)] TimeProvider time,
    DealTransfers transfers,
    IEnumerable<TestHooks.IRepairInterruption> interruptions,
    ILogger<StorageDealGrain> log) : Grain, IStorageDealGrain, IRemindable
{
    private const string AuditReminder = "storage-audit";
    private IGrainTimer? _auditTimer;

    private string DealId => this.GetPrimaryKeyString();

    private StorageOptions Options => options.Value;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (state.State.Status is { State: not DealState.Ended })
        {
            ArmAuditTimer();
        }

        return Task.CompletedTask;
    }

    public async Task<DealStatus> CreateAsync(string clientId, DurabilityPolicy policy, long maxPricePerGiBMonth, TimeSpan duration, byte[] content)
    {
        ArgumentNullException.ThrowIfNull(content);
        var status = await BeginAsync(clientId, policy, maxPricePerGiBMonth, duration, content.Length);
        using var source = new MemoryStream(content, writable: false);
        if (status.State != DealState.Placing)
        {
            return await DealTransfers.SameContentAsync(status, source, content.Length, CancellationToken.None);
        }

        return await CompleteAsync(clientId, await transfers.UploadAsync(status, source, content.Length, CancellationToken.None));
    }

    public async Task<DealStatus> BeginAsync(string clientId, DurabilityPolicy policy, long maxPricePerGiBMonth, TimeSpan duration, long length)
    {
        ArgumentNullException.ThrowIfNull(policy);
        if (!StorageIds.IsValid(DealId))
        {
            throw new InvalidRequestException($"dealId: '{DealId}' is not a deal id");
        }

        var fresh = state.State.Status is null;
        if (state.State.Status is { } existing)
        {
            if (existing.ClientId != clientId)
            {
                // Another client's deal is absent to this one, as GetStatusAsync answers it.
                throw new DealNotFoundException($"no storage deal {DealId}");
            }

            if (existing.State != DealState.Placing)
            {
                return existing;
            }
        }

        policy.Validate();
        StorageDeals.ValidateDuration(duration);
        if (length <= 0)
        {
            throw new InvalidRequestException("content: an empty blob cannot be stored");
        }

        if (length > Options.MaxDealBytes)
        {
            throw new InvalidRequestException($"content: {length} bytes; a deal stores at most {Options.MaxDealBytes}");
        }

        if (maxPricePerGiBMonth < 0)
        {
            throw new InvalidRequestException("max_price_per_gib_month: must not be negative");
        }

        // The deal counts among its client's open deals and in its stored-bytes quota, as its blobs do, from before
        // anything is placed until it ends (QuotaExceededException otherwise). A new deal that fails before its state
        // is written gives both back.
        var deals = GrainFactory.GetGrain<IClientDealsGrain>(clientId);
        await deals.OpenAsync(DealId, Options.MaxDealsPerClient);
        var charged = false;
        try
        {
            await QuotaLedger(clientId).ChargeAsync(QuotaId, length, enforceQuota: true);
            charged = true;
            var status = await PlanAsync(clientId, policy, maxPricePerGiBMonth, duration, length);
            state.State.Status = status;
            await state.WriteStateAsync();
            fresh = false;
        }
        finally
        {
            if (fresh)
            {
                if (charged)
                {
                    await QuotaLedger(clientId).ReleaseAsync(QuotaId);
                }

                await deals.ClosedAsync(DealId, unlist: true);
            }
        }

        // The audit reminder keeps a placing deal active too, so one whose upload never completes ends
        // (Marketplace:Storage:PlacingTimeout) and gives its quota, escrow and providers' space back.
        await this.RegisterOrUpdateReminder(AuditReminder, Options.AuditInterval, Options.AuditInterval);
        ArmAuditTimer();
        return state.State.Status;
    }

    /// <summary>Places the fragments of a new deal and escrows its first period when payments are on: the deal's
    /// status, not yet written. Throws <see cref="DealNotPlacedException"/> when too few providers take it.</summary>
    private async Task<DealStatus> PlanAsync(string clientId, DurabilityPolicy policy, long maxPricePerGiBMonth, TimeSpan duration, long length)
    {
        var (chunkSize, chunkCount) = new BlobEncoder(policy.DataFragments, policy.ParityFragments).LayoutOf(length);
        var fragmentBytes = (long)chunkSize * chunkCount;
        var (chosen, refusals) = await PlaceAsync(policy.TotalFragments, fragmentBytes, maxPricePerGiBMonth, exclude: new HashSet<string>());
        if (chosen.Count < policy.TotalFragments)
        {
            var price = maxPricePerGiBMonth == long.MaxValue ? "" : $" at most {maxPricePerGiBMonth} per GiB-month";
            throw new DealNotPlacedException(
                $"deal {DealId} needs {policy.TotalFragments} providers with {fragmentBytes} bytes free{price} and found {chosen.Count}: {Describe(refusals)}; "
                + "providers are hosted per silo (Marketplace:Storage:Providers, or Marketplace:Storage:DefaultProviders of them)");
        }

        var now = time.GetUtcNow();
        var status = new DealStatus
        {
            DealId = DealId,
            ClientId = clientId,
            State = DealState.Placing,
            Policy = policy,
            Length = length,
            ChunkSize = chunkSize,
            ChunkCount = chunkCount,
            CreatedAt = now,
            EndsAt = now + duration,
            MaxPricePerGiBMonth = maxPricePerGiBMonth,
            WhyNotPlaced = refusals,
            History = [new DealTransition { State = DealState.Placing, At = now, Reason = "created" }],
        };
        var prices = await Task.WhenAll(chosen.Select(id => Provider(id).GetInfoAsync()));
        for (var i = 0; i < policy.TotalFragments; i++)
        {
            status.Fragments.Add(new DealFragment
            {
                Index = i,
                ProviderId = chosen[i],
                PricePerGiBMonth = prices[i].PricePerGiBMonth,
                Health = FragmentHealth.Missing,
            });
        }

        status.Paid = (await Settlement.GetTermsAsync()).Enabled;
        if (status.Paid)
        {
            // The first period is escrowed before anything is stored: a client without the funds gets
            // insufficient_funds and no deal.
            await EscrowPeriodAsync(status, 0);
        }

        return status;
    }

    public async Task<DealStatus> CompleteAsync(string clientId, DealContent content)
    {
        ArgumentNullException.ThrowIfNull(content);
        var status = Owned(clientId);
        if (status.State != DealState.Placing)
        {
            if (status.State == DealState.Ended && status.ContentSha256.Length == 0)
            {
                // Deleted by its client while placing: the upload fails and drops what it wrote.
                throw new InvalidRequestException($"dealId: deal {DealId} was deleted before its upload completed");
            }

            return status.ContentSha256 == content.ContentSha256
                ? status
                : throw new InvalidRequestException($"dealId: deal {DealId} already stores other content");
        }

        if (content.FragmentSha256.Count != status.Fragments.Count || content.FragmentMerkleRoots.Count != status.Fragments.Count)
        {
            throw new InvalidRequestException($"content: {content.FragmentSha256.Count} fragment digests for a deal of {status.Fragments.Count} fragments");
        }

        // Each provider signs what it computed itself while its fragment streamed in; the deal keeps a commitment
        // only when it names the digests the encoder produced.
        var commitments = await Task.WhenAll(status.Fragments.Select(f => TakeCommitmentAsync(
            f.Index, f.ProviderId, content.FragmentSha256[f.Index], content.FragmentMerkleRoots[f.Index], status.ChunkSize)));
        foreach (var fragment in status.Fragments)
        {
            fragment.Sha256 = content.FragmentSha256[fragment.Index];
            fragment.MerkleRoot = content.FragmentMerkleRoots[fragment.Index];
            fragment.Commitment = commitments[fragment.Index];
            fragment.Health = FragmentHealth.Healthy;
        }

        status.ContentSha256 = content.ContentSha256;
        status.BlobId = content.BlobId;
        Enter(status, DealState.Active, $"{status.Fragments.Count} fragments stored on {status.Fragments.Select(f => f.ProviderId).Distinct().Count()} providers");
        await state.WriteStateAsync();
        if (BlobIds.IsValid(status.BlobId))
        {
            await GrainFactory.GetGrain<IClientDealsGrain>(clientId).IndexBlobAsync(status.BlobId, DealId);
        }

        await this.RegisterOrUpdateReminder(AuditReminder, Options.AuditInterval, Options.AuditInterval);
        ArmAuditTimer();
        return status;
    }

    public Task<DealStatus> GetStatusAsync(string clientId) => Task.FromResult(Owned(clientId));

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        // The reminder only keeps the deal active (and so audited) across restarts; the rounds come from the timer.
        if (state.State.Status is null or { State: DealState.Ended })
        {
            await this.UnregisterReminder(await this.GetReminder(reminderName) ?? throw new InvalidOperationException("reminder vanished"));
            return;
        }

        ArmAuditTimer();
        if (Placing)
        {
            await EndIfAbandonedAsync();
        }
        else if (state.State.RepairPlan.Count > 0)
        {
            await RepairAsync();
        }
    }

    private DealStatus Owned(string clientId) =>
        state.State.Status is { } status && status.ClientId == clientId
            ? status
            : throw new DealNotFoundException($"no storage deal {DealId}");

    /// <summary>The deal of <paramref name="clientId"/> while its fragments exist.</summary>
    private DealStatus Readable(string clientId)
    {
        var status = Owned(clientId);
        return status.State == DealState.Ended
            ? throw new DealNotFoundException($"storage deal {DealId} ended at {status.EndsAt:O}; its fragments were deleted")
            : status;
    }

    /// <summary>The id under which the deal is charged to its client's stored-bytes quota.</summary>
    private string QuotaId => "deal:" + DealId;

    private IClientStorageLedgerGrain QuotaLedger(string clientId) => GrainFactory.GetGrain<IClientStorageLedgerGrain>(clientId);

    private DealStatus Existing() =>
        state.State.Status ?? throw new DealNotFoundException($"no storage deal {DealId}");

    private IStorageProviderGrain Provider(string id) => GrainFactory.GetGrain<IStorageProviderGrain>(id);

    private void Enter(DealStatus status, DealState next, string reason)
    {
        if (status.State == next && status.History.Count > 0)
        {
            return;
        }

        status.State = next;
        status.History.Add(new DealTransition { State = next, At = time.GetUtcNow(), Reason = reason });
        StorageLog.StateChanged(log, DealId, next.ToString(), reason);
    }

    private static string Describe(List<ProviderRefusal> refusals)
    {
        if (refusals.Count == 0)
        {
            return "no storage provider is registered";
        }

        var parts = new List<string>(refusals.Count);
        foreach (var refusal in refusals)
        {
            parts.Add($"{refusal.ProviderId}: {refusal.Reason}");
        }

        return string.Join(", ", parts);
    }
}
