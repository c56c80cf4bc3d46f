using System.Numerics;
using System.Text;
using Marketplace.Chain;
using Marketplace.Chain.Contracts;
using Marketplace.Chain.Development;
using Marketplace.Chain.Rpc;
using Marketplace.Chain.Sending;
using Marketplace.Crypto.Bls;
using Marketplace.Crypto.Ethereum;
using Marketplace.GrainInterfaces;
using Marketplace.Grains.Settlement;
using Xunit;

namespace Marketplace.Settlement.Tests;

/// <summary>A job's escrow released on chain by its aggregated receipt, through chain/ and the call
/// <see cref="ReceiptReleaseCall"/> builds from the receipt a client keeps: keys registered with their proofs of
/// possession, the executor paid its fuel at the stated price, once.</summary>
public sealed class ChainReceiptReleaseTests
{
    private const long Escrowed = 1_000_000;

    [AnvilFact]
    public async Task An_aggregated_receipt_releases_its_jobs_escrow_to_the_executor_once()
    {
        await using var anvil = await AnvilNode.StartAsync();
        var (deployment, nonces, release, escrow, token) = await DeployAsync(anvil);

        // Three workers register their keys with proofs of possession and stake.
        string[] ids = ["w1", "w2", "w3"];
        var secrets = new List<SecretKey>();
        var accounts = new List<Address>();
        foreach (var id in ids)
        {
            var secret = Bls.KeyGen(Encoding.UTF8.GetBytes("chain receipt release test key " + id + " with enough bytes"));
            secrets.Add(secret);
            var key = await anvil.FundedKeyAsync(Wei.FromEther(1));
            var sender = Sender(anvil.Rpc, key, nonces);
            accounts.Add(sender.Address);
            await token.SendAsync("transfer", [sender.Address, 5_000]);
            var staking = new ContractClient(anvil.Rpc, SettlementContracts.Staking.Abi, deployment.Staking, sender);
            await new ContractClient(anvil.Rpc, SettlementContracts.MarketToken.Abi, deployment.Token, sender).SendAsync("approve", [deployment.Staking, 5_000]);
            await staking.SendAsync("registerKey", [id, ReceiptReleaseCall.Words(Bls.SkToPk(secret).ToEip2537()), ReceiptReleaseCall.Words(Bls.PopProve(secret).ToEip2537())]);
            await staking.SendAsync("stake", [5_000]);
        }

        // The client escrows the job and states its terms: 50 per million fuel, two signers.
        var clientKey = await anvil.FundedKeyAsync(Wei.FromEther(1));
        var client = Sender(anvil.Rpc, clientKey, nonces);
        await token.SendAsync("transfer", [client.Address, Escrowed]);
        await new ContractClient(anvil.Rpc, SettlementContracts.MarketToken.Abi, deployment.Token, client).SendAsync("approve", [deployment.Escrow, Escrowed]);
        var jobId = ReceiptReleaseCall.ChainId("job-proof-1");
        await new ContractClient(anvil.Rpc, SettlementContracts.Escrow.Abi, deployment.Escrow, client)
            .SendAsync("deposit", [jobId, Escrowed, (ulong)DateTimeOffset.UtcNow.AddDays(1).ToUnixTimeSeconds()]);
        await new ContractClient(anvil.Rpc, SettlementContracts.ReceiptRelease.Abi, release.Address, client).SendAsync("setTerms", [jobId, 50, 2, 0]);

        // w1 ran it; w1 and w3 signed (w2 is a member that did not).
        var receipt = Receipt("job-proof-1", "w1", fuel: 4_000);
        var hash = ReceiptCodec.Hash(receipt);
        var aggregated = new AggregatedReceipt
        {
            Receipt = receipt,
            ReceiptHash = hash,
            Members = [.. ids.Select(id => new CommitteeMember { WorkerId = id })],
            SignerBitmap = [0b101],
            AggregateSignature = Bls.Aggregate([Bls.Sign(secrets[0], hash), Bls.Sign(secrets[2], hash)]).ToBytes(),
            Threshold = 2,
        };
        // Anyone claims with the CLI and a key that pays the gas, from the file the client keeps.
        var folder = Directory.CreateTempSubdirectory("marketplace-claim-tests").FullName;
        var keyFile = Path.Combine(folder, "claimer.key");
        await File.WriteAllTextAsync(keyFile, Convert.ToHexStringLower((await anvil.FundedKeyAsync(Wei.FromEther(1))).ToBytes()));
        var file = Path.Combine(folder, "r.json");
        string[] claim = ["claim", "--receipt", file, "--rpc", anvil.Url, "--key-file", keyFile, "--contract", release.Address.ToString()];

        // Its fuel changed after it was signed: refused, nothing moves.
        var signedFuel = receipt.FuelConsumed;
        receipt.FuelConsumed = 8_000;
        await File.WriteAllBytesAsync(file, AggregatedReceiptJson.Serialize(aggregated));
        var tampered = await CliRunner.RunAsync(claim);
        Assert.Equal(3, tampered.Exit);
        Assert.Contains("error chain_reverted", tampered.Error, StringComparison.Ordinal);
        Assert.Contains("InvalidAggregateSignature", tampered.Error, StringComparison.Ordinal);
        Assert.Equal(BigInteger.Zero, await ClaimableAsync(escrow, accounts[0]));

        receipt.FuelConsumed = signedFuel;
        await File.WriteAllBytesAsync(file, AggregatedReceiptJson.Serialize(aggregated));
        var claimed = await CliRunner.RunAsync([.. claim, "--json"]);
        Assert.True(claimed.Exit == 0, claimed.Error);
        using (var answer = System.Text.Json.JsonDocument.Parse(claimed.Output))
        {
            Assert.Equal("200000", answer.RootElement.GetProperty("paid").GetString());
            Assert.Equal(accounts[0].ToChecksumString(), answer.RootElement.GetProperty("executor").GetString());
        }

        Assert.Equal(new BigInteger(200_000), await ClaimableAsync(escrow, accounts[0]));
        Assert.Equal(BigInteger.Zero, await ClaimableAsync(escrow, accounts[2]));
        Assert.Equal(new BigInteger(Escrowed - 200_000), await ClaimableAsync(escrow, client.Address));

        // The same receipt again: the job is released already.
        var replayed = await CliRunner.RunAsync(claim);
        Assert.Equal(3, replayed.Exit);
        Assert.Contains("JobNotOpen", replayed.Error, StringComparison.Ordinal);
        Assert.Equal(new BigInteger(200_000), await ClaimableAsync(escrow, accounts[0]));

        // Files that are no aggregated receipt, and a bad contract address.
        await File.WriteAllTextAsync(file, "{\"kind\":\"executor\",\"receipt\":{}}");
        var executorFile = await CliRunner.RunAsync(claim);
        Assert.Equal(9, executorFile.Exit);
        Assert.Contains("error receipt_invalid", executorFile.Error, StringComparison.Ordinal);
        await File.WriteAllTextAsync(file, "not json");
        Assert.Equal(9, (await CliRunner.RunAsync(claim)).Exit);
        var badAddress = await CliRunner.RunAsync("claim", "--receipt", file, "--rpc", anvil.Url, "--key-file", keyFile, "--contract", "0x12");
        Assert.Equal(1, badAddress.Exit);
        Assert.Contains("--contract", badAddress.Error, StringComparison.Ordinal);
        foreach (var secret in secrets)
        {
            secret.Dispose();
        }
    }

    [AnvilFact]
    public async Task An_executors_batch_signed_receipt_releases_a_threshold_one_job_by_its_inclusion_proof_once()
    {
        await using var anvil = await AnvilNode.StartAsync();
        var (deployment, nonces, release, escrow, token) = await DeployAsync(anvil);

        // The executor w1 registers its key with its proof of possession and stakes.
        using var secret = Bls.KeyGen(Encoding.UTF8.GetBytes("chain batch release test key w1 with enough bytes"));
        var workerKey = await anvil.FundedKeyAsync(Wei.FromEther(1));
        var worker = Sender(anvil.Rpc, workerKey, nonces);
        await token.SendAsync("transfer", [worker.Address, 5_000]);
        await new ContractClient(anvil.Rpc, SettlementContracts.MarketToken.Abi, deployment.Token, worker).SendAsync("approve", [deployment.Staking, 5_000]);
        var staking = new ContractClient(anvil.Rpc, SettlementContracts.Staking.Abi, deployment.Staking, worker);
        await staking.SendAsync("registerKey", ["w1", ReceiptReleaseCall.Words(Bls.SkToPk(secret).ToEip2537()), ReceiptReleaseCall.Words(Bls.PopProve(secret).ToEip2537())]);
        await staking.SendAsync("stake", [5_000]);

        // The client escrows three jobs: two that need the executor alone, one that needs two signers.
        var clientKey = await anvil.FundedKeyAsync(Wei.FromEther(1));
        var client = Sender(anvil.Rpc, clientKey, nonces);
        await token.SendAsync("transfer", [client.Address, 3 * Escrowed]);
        await new ContractClient(anvil.Rpc, SettlementContracts.MarketToken.Abi, deployment.Token, client).SendAsync("approve", [deployment.Escrow, 3 * Escrowed]);
        var clientEscrow = new ContractClient(anvil.Rpc, SettlementContracts.Escrow.Abi, deployment.Escrow, client);
        var clientRelease = new ContractClient(anvil.Rpc, SettlementContracts.ReceiptRelease.Abi, release.Address, client);
        foreach (var (job, threshold) in new[] { ("job-batch-1", 1), ("job-batch-2", 2), ("job-alone-1", 1) })
        {
            await clientEscrow.SendAsync("deposit", [ReceiptReleaseCall.ChainId(job), Escrowed, (ulong)DateTimeOffset.UtcNow.AddDays(1).ToUnixTimeSeconds()]);
            await clientRelease.SendAsync("setTerms", [ReceiptReleaseCall.ChainId(job), 50, threshold, 0]);
        }

        // w1 signs a batch of three receipts once: two of these jobs and one of another client.
        ExecutionReceipt[] receipts = [Receipt("job-batch-1", "w1", fuel: 4_000), Receipt("job-batch-2", "w1", fuel: 1_000), Receipt("job-elsewhere", "w1", fuel: 7)];
        var hashes = receipts.Select(ReceiptCodec.Hash).ToArray();
        var (root, paths) = ReceiptBatch.Build(hashes);
        var batchSignature = Bls.Sign(secret, ReceiptBatch.SigningHash(7, 3, root)).ToBytes();
        SignedExecutionReceipt BatchFile(int index) => new()
        {
            Receipt = receipts[index],
            ReceiptHash = hashes[index],
            WorkerPublicKey = Bls.SkToPk(secret).ToBytes(),
            Signature = batchSignature,
            Batch = new ReceiptBatchProof { Sequence = 7, Size = 3, Index = index, Path = paths[index], Root = root },
        };
        Assert.True(ReceiptVerifier.VerifySigned(BatchFile(0)).IsValid, "the marketplace accepts the file as it is");

        var folder = Directory.CreateTempSubdirectory("marketplace-claim-batch-tests").FullName;
        var keyFile = Path.Combine(folder, "claimer.key");
        await File.WriteAllTextAsync(keyFile, Convert.ToHexStringLower((await anvil.FundedKeyAsync(Wei.FromEther(1))).ToBytes()));
        var file = Path.Combine(folder, "r.json");
        string[] claim = ["claim", "--receipt", file, "--rpc", anvil.Url, "--key-file", keyFile, "--contract", release.Address.ToString()];

        // The receipt moved to another leaf of the batch: its path leads elsewhere; nothing moves.
        var moved = BatchFile(0);
        moved.Batch!.Index = 1;
        await File.WriteAllBytesAsync(file, ReceiptJson.Serialize(moved));
        var refused = await CliRunner.RunAsync(claim);
        Assert.Equal(3, refused.Exit);
        Assert.Contains("BadBatchProof", refused.Error, StringComparison.Ordinal);
        Assert.Equal(BigInteger.Zero, await ClaimableAsync(escrow, worker.Address));

        // A job that needs two signers is not released on the executor's word.
        await File.WriteAllBytesAsync(file, ReceiptJson.Serialize(BatchFile(1)));
        var committee = await CliRunner.RunAsync(claim);
        Assert.Equal(3, committee.Exit);
        Assert.Contains("TooFewSigners", committee.Error, StringComparison.Ordinal);

        // The file as the client keeps it: paid once, the rest to the client.
        await File.WriteAllBytesAsync(file, ReceiptJson.Serialize(BatchFile(0)));
        var claimed = await CliRunner.RunAsync([.. claim, "--json"]);
        Assert.True(claimed.Exit == 0, claimed.Error);
        using (var answer = System.Text.Json.JsonDocument.Parse(claimed.Output))
        {
            Assert.Equal("job-batch-1", answer.RootElement.GetProperty("job_id").GetString());
            Assert.Equal("200000", answer.RootElement.GetProperty("paid").GetString());
            Assert.Equal(worker.Address.ToChecksumString(), answer.RootElement.GetProperty("executor").GetString());
        }

        Assert.Equal(new BigInteger(200_000), await ClaimableAsync(escrow, worker.Address));
        Assert.Equal(new BigInteger(Escrowed - 200_000), await ClaimableAsync(escrow, client.Address));
        var replayed = await CliRunner.RunAsync(claim);
        Assert.Equal(3, replayed.Exit);
        Assert.Contains("JobNotOpen", replayed.Error, StringComparison.Ordinal);
        Assert.Equal(new BigInteger(200_000), await ClaimableAsync(escrow, worker.Address));

        // A receipt the executor signed alone goes through releaseByProof with the executor as the one signer.
        var alone = Receipt("job-alone-1", "w1", fuel: 2_000);
        var aloneHash = ReceiptCodec.Hash(alone);
        await File.WriteAllBytesAsync(file, ReceiptJson.Serialize(new SignedExecutionReceipt
        {
            Receipt = alone,
            ReceiptHash = aloneHash,
            WorkerPublicKey = Bls.SkToPk(secret).ToBytes(),
            Signature = Bls.Sign(secret, aloneHash).ToBytes(),
        }));
        var aloneClaimed = await CliRunner.RunAsync(claim);
        Assert.True(aloneClaimed.Exit == 0, aloneClaimed.Error);
        Assert.Equal(new BigInteger(300_000), await ClaimableAsync(escrow, worker.Address));
    }

    /// <summary>The contracts as <c>chain deploy</c> deploys them (ReceiptRelease holding the Escrow's settler role),
    /// with clients of the ReceiptRelease, the Escrow and the token that send from the deploying key.</summary>
    private static async Task<(ChainDeploymentResult Deployment, NonceManager Nonces, ContractClient Release, ContractClient Escrow, ContractClient Token)> DeployAsync(AnvilNode anvil)
    {
        var admin = await anvil.FundedKeyAsync(Wei.FromEther(100));
        var nonces = new NonceManager(anvil.Rpc);
        var deployment = await ChainDeployment.DeployAsync(anvil.Rpc, admin, new ChainDeploymentRequest { UnstakeDelaySeconds = 3600, MinimumStake = 1_000 });
        var adminSender = Sender(anvil.Rpc, admin, nonces);
        return (
            deployment,
            nonces,
            new ContractClient(anvil.Rpc, SettlementContracts.ReceiptRelease.Abi, deployment.ReceiptRelease, adminSender),
            new ContractClient(anvil.Rpc, SettlementContracts.Escrow.Abi, deployment.Escrow, adminSender),
            new ContractClient(anvil.Rpc, SettlementContracts.MarketToken.Abi, deployment.Token, adminSender));
    }

    private static TransactionSender Sender(IEvmRpcClient rpc, Secp256k1PrivateKey key, NonceManager nonces) => new(rpc, key, nonces, new FeeEstimator(rpc));

    private static async Task<BigInteger> ClaimableAsync(ContractClient escrow, Address account) => (BigInteger)(await escrow.CallAsync("claimable", [account]))[0]!;

    private static ExecutionReceipt Receipt(string jobId, string workerId, long fuel) => ChainTestReceipts.Of(jobId, workerId, fuel);
}
