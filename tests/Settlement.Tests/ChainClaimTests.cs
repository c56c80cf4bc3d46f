using System.Numerics;
using System.Text.Json;
using Marketplace.Chain;
using Marketplace.Chain.Development;
using Marketplace.Crypto.Ethereum;
using Marketplace.GrainInterfaces;
using Marketplace.Grains.Settlement;
using Marketplace.Silo;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using static Marketplace.Settlement.Tests.ChainQuickStartTests;

namespace Marketplace.Settlement.Tests;

/// <summary>A job of the running marketplace released on chain by what its client keeps, without the settlement
/// key: the committee's aggregated receipt and the job's terms signed by the client's account, through
/// <c>marketplace claim</c>; then the settlement's own batch finds the job released and moves nothing again.</summary>
public sealed class ChainClaimTests
{
    [AnvilFact]
    public async Task A_job_is_released_by_its_receipt_and_signed_terms_once_while_the_settlement_key_waits()
    {
        await using var anvil = await AnvilNode.StartAsync();
        var folder = Path.Combine(Path.GetTempPath(), "marketplace-claim-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var settingsFile = Path.Combine(folder, "chain.json");
        var deploy = await CliRunner.RunAsync(["chain", "deploy", "--rpc", anvil.Url, "--key-file", Path.Combine(folder, "settlement.key"), "--new-key", "--fund-dev",
            "--minimum-stake", "1000", "--out", settingsFile, "--json"]);
        Assert.True(deploy.Exit == 0, deploy.Error);
        using var deployed = JsonDocument.Parse(deploy.Output);
        var escrow = Address.Parse(deployed.RootElement.GetProperty("escrow").GetString()!);
        var release = deployed.RootElement.GetProperty("receipt_release").GetString()!;

        var builder = SiloBuilder(settingsFile, anvil.Url, folder);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            // Every job re-executed by one committee member: its receipt is signed by two workers.
            ["Marketplace:Jobs:DefaultCommitteeSize"] = "1",
            ["Marketplace:Jobs:CommitteeSampleEvery"] = "1",
            ["Marketplace:Api:Keys:" + OperatorKey] = "ops",
            ["Marketplace:Api:Operators:0"] = "ops",
            // The settlement key's batch waits for FlushAsync below: the claim comes first.
            ["Marketplace:Settlement:Chain:BatchInterval"] = "01:00:00",
            ["Marketplace:Settlement:Chain:CommitteeFeePercent"] = "10",
        });
        await using var app = MarketplaceSiloHost.Build(builder);
        await app.StartAsync();
        var baseAddress = new Uri(MarketplaceSiloHost.GetHttpAddresses(app)[0].AbsoluteUri.TrimEnd('/') + "/");
        using var operatorClient = Http(baseAddress, OperatorKey);
        var (sdk, done) = await FundStakeAndRunEchoAsync(baseAddress, operatorClient, "claim-1");
        var job = done;
        using var alice = Http(baseAddress, AliceKey);
        var settled = await WaitSettledAsync(alice, job.JobId);

        // What the client keeps: the aggregated receipt and the signed terms (the winning bid's price, two signers).
        var aggregated = await sdk.GetJobAggregatedReceiptAsync(job.JobId);
        var terms = await sdk.GetJobChainTermsAsync(job.JobId);
        Assert.Equal(done.PricePerMillionFuel, terms.PricePerMillionFuel);
        Assert.Equal(2, terms.Threshold);
        Assert.Equal(release, terms.ReceiptRelease);
        var receiptFile = Path.Combine(folder, "r.json");
        var termsFile = Path.Combine(folder, "t.json");
        string[] api = ["--url", baseAddress.AbsoluteUri, "--api-key", AliceKey];
        var receiptWritten = await CliRunner.RunAsync(["job-receipt", "--id", job.JobId, "--kind", "aggregated", "--out", receiptFile, .. api]);
        Assert.True(receiptWritten.Exit == 0, receiptWritten.Error);
        var termsWritten = await CliRunner.RunAsync(["job-terms", "--id", job.JobId, "--out", termsFile, .. api]);
        Assert.True(termsWritten.Exit == 0, termsWritten.Error);
        Assert.Contains($"wrote the terms of {job.JobId} ({terms.PricePerMillionFuel} per million fuel, 2 signer(s)", termsWritten.Output, StringComparison.Ordinal);
        var kept = ChainJobTermsJson.Parse(await File.ReadAllBytesAsync(termsFile));
        Assert.Equal(terms.ClientSignature, kept.ClientSignature);
        Assert.Equal(AggregatedReceiptJson.Serialize(aggregated), await File.ReadAllBytesAsync(receiptFile));

        // Anyone with gas money claims; the settlement key has sent nothing for the job yet.
        var claimer = await anvil.FundedKeyAsync(Wei.FromEther(1));
        var claimerKey = Path.Combine(folder, "claimer.key");
        await File.WriteAllTextAsync(claimerKey, Convert.ToHexStringLower(claimer.ToBytes()));
        string[] Claim(string terms) => ["claim", "--receipt", receiptFile, "--terms", terms, "--rpc", anvil.Url, "--key-file", claimerKey, "--contract", release, "--json"];

        // Terms of another job, or altered after signing, are refused: offline, or by the contract naming its error.
        var altered = Path.Combine(folder, "altered.json");
        await File.WriteAllBytesAsync(altered, ChainJobTermsJson.Serialize(new ChainJobTerms
        {
            JobId = terms.JobId,
            ChainId = terms.ChainId,
            ReceiptRelease = terms.ReceiptRelease,
            Client = terms.Client,
            PricePerMillionFuel = terms.PricePerMillionFuel + 1,
            Threshold = terms.Threshold,
            ClientSignature = terms.ClientSignature,
        }));
        var refused = await CliRunner.RunAsync(Claim(altered));
        Assert.Equal(3, refused.Exit);
        Assert.Contains("BadTermsSignature", refused.Error, StringComparison.Ordinal);
        var otherJob = Path.Combine(folder, "other.json");
        await File.WriteAllBytesAsync(otherJob, ChainJobTermsJson.Serialize(new ChainJobTerms
        {
            JobId = "job-other",
            ChainId = terms.ChainId,
            ReceiptRelease = terms.ReceiptRelease,
            Client = terms.Client,
            PricePerMillionFuel = terms.PricePerMillionFuel,
            Threshold = terms.Threshold,
            ClientSignature = terms.ClientSignature,
        }));
        var wrongJob = await CliRunner.RunAsync(Claim(otherJob));
        Assert.Equal(9, wrongJob.Exit);
        Assert.Contains("terms_invalid", wrongJob.Error, StringComparison.Ordinal);

        var claim = await CliRunner.RunAsync(Claim(termsFile));
        Assert.True(claim.Exit == 0, claim.Error);
        using var claimed = JsonDocument.Parse(claim.Output);
        var paid = BigInteger.Parse(claimed.RootElement.GetProperty("paid").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(new BigInteger(aggregated.Receipt.FuelConsumed) * terms.PricePerMillionFuel, paid);
        Assert.Equal((BigInteger)settled.Charged, paid);

        // On the chain, exactly what the marketplace recorded for the job: the executor's share, the committee
        // member's share of the fee, the rest back to the client, once.
        var grains = app.Services.GetRequiredService<IGrainFactory>();
        var custody = grains.GetGrain<IChainSettlementGrain>(ISettlement.DefaultKey);
        var executor = Address.Parse(await custody.GetAddressAsync(aggregated.Receipt.WorkerId, worker: true));
        var client = Address.Parse(await custody.GetAddressAsync("alice", worker: false));
        Assert.Equal(client.ToChecksumString(), terms.Client);
        Assert.Equal(settled.ExecutorId, aggregated.Receipt.WorkerId);
        var share = Assert.Single(settled.CommitteeShares);
        Assert.True(share.Amount > 0, "the committee fee is positive, so the split is checked");
        Assert.Equal(10, terms.CommitteeFeePercent);
        Assert.Equal((BigInteger)settled.ExecutorAmount, await ViewAsync(anvil.Rpc, escrow, SettlementContracts.Escrow, "claimable", executor));
        var member = Address.Parse(await custody.GetAddressAsync(share.WorkerId, worker: true));
        Assert.Equal((BigInteger)share.Amount, await ViewAsync(anvil.Rpc, escrow, SettlementContracts.Escrow, "claimable", member));
        Assert.Equal((BigInteger)settled.Refunded, await ViewAsync(anvil.Rpc, escrow, SettlementContracts.Escrow, "claimable", client));
        Assert.Equal((BigInteger)settled.ExecutorAmount + (BigInteger)share.Amount, paid);
        var again = await CliRunner.RunAsync(Claim(termsFile));
        Assert.Equal(3, again.Exit);
        Assert.Contains("JobNotOpen", again.Error, StringComparison.Ordinal);

        // The settlement key's batch finds the job released and sends nothing for it: the balances stay.
        await custody.FlushAsync();
        var status = await custody.GetChainStatusAsync();
        Assert.Equal(0, status.QueuedJobs);
        Assert.Equal((BigInteger)settled.ExecutorAmount, await ViewAsync(anvil.Rpc, escrow, SettlementContracts.Escrow, "claimable", executor));
        Assert.Equal((BigInteger)share.Amount, await ViewAsync(anvil.Rpc, escrow, SettlementContracts.Escrow, "claimable", member));
        Assert.Equal((BigInteger)settled.Refunded, await ViewAsync(anvil.Rpc, escrow, SettlementContracts.Escrow, "claimable", client));
        await app.StopAsync();
    }
}
