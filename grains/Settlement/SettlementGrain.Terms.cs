// Design: a job's terms for release on proof are signed, not sent. The client account that escrowed the job signs the
// price and the threshold off chain, so stating them costs no transaction and no write while the marketplace runs;
// whoever holds the signature and the receipt states them on chain and releases the job in one claim, with or without
// the operator. The signature names the job, the chain and the contract, so it counts nowhere else.
using Marketplace.GrainInterfaces;

namespace Marketplace.Grains.Settlement;

/// <summary>Job terms signed for release on proof.</summary>
internal sealed partial class SettlementGrain
{
    /// <inheritdoc />
    public async Task<ChainJobTerms?> SignJobTermsAsync(string jobId, long pricePerMillionFuel, int threshold)
    {
        SettlementIds.Require(jobId, nameof(jobId));
        if (pricePerMillionFuel < 1)
        {
            throw new InvalidRequestException($"pricePerMillionFuel: {pricePerMillionFuel} is not a price; give 1 or more");
        }

        if (threshold is < 1 or > JobTermsSignature.MaxThreshold)
        {
            throw new InvalidRequestException($"threshold: {threshold} is outside 1-{JobTermsSignature.MaxThreshold}");
        }

        if (chain.ReceiptRelease is not { } contract)
        {
            return null;
        }

        var escrow = await GetEscrowAsync(jobId)
            ?? throw new JobConflictException($"job {jobId} has no escrow on the chain to sign terms for");
        var client = chain.Accounts.KeyOf(AccountRole.Client, escrow.ClientId);
        var digest = JobTermsSignature.Digest(Options.ChainId, contract, jobId, pricePerMillionFuel, threshold, Options.CommitteeFeePercent);
        return new ChainJobTerms
        {
            JobId = jobId,
            ChainId = Options.ChainId,
            ReceiptRelease = contract.ToChecksumString(),
            Client = chain.Accounts.AddressOf(AccountRole.Client, escrow.ClientId).ToChecksumString(),
            PricePerMillionFuel = pricePerMillionFuel,
            Threshold = threshold,
            CommitteeFeePercent = Options.CommitteeFeePercent,
            ClientSignature = JobTermsSignature.Sign(client, digest),
        };
    }
}
