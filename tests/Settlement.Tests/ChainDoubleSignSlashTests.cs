using System.Numerics;
using System.Text;
using System.Text.Json;
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

/// <summary>A double-signing worker slashed on chain by proof, without the operator, through <c>marketplace slash</c>
/// and the call <see cref="DoubleSignSlashCall"/> builds from the evidence file <c>marketplace evidence</c> writes: its
/// whole stake (active and pending) to the treasury and its key banned, once; evidence that proves nothing refused
/// before it is sent, evidence the contract cannot tie to a registered key refused with the contract's error.</summary>
public sealed class ChainDoubleSignSlashTests
{
    [AnvilFact]
    public async Task Evidence_of_a_double_sign_takes_the_workers_whole_stake_and_bans_its_key_once()
    {
        await using var anvil = await AnvilNode.StartAsync();
        var admin = await anvil.FundedKeyAsync(Wei.FromEther(100));
        var nonces = new NonceManager(anvil.Rpc);
        var treasury = Sender(anvil.Rpc, await anvil.FundedKeyAsync(Wei.FromEther(1)), nonces).Address;
        var deployment = await ChainDeployment.DeployAsync(anvil.Rpc, admin, new ChainDeploymentRequest { UnstakeDelaySeconds = 3600, MinimumStake = 1_000, Treasury = treasury });
        var adminSender = Sender(anvil.Rpc, admin, nonces);
        var token = new ContractClient(anvil.Rpc, SettlementContracts.MarketToken.Abi, deployment.Token, adminSender);
        var staking = new ContractClient(anvil.Rpc, SettlementContracts.Staking.Abi, deployment.Staking);

        // Two workers register their keys with proofs of possession and stake 5,000; w1 asks 1,000 back (pending).
        using var w1Secret = Bls.KeyGen(Encoding.UTF8.GetBytes("chain double sign slash test key w1 with enough bytes"));
        using var w2Secret = Bls.KeyGen(Encoding.UTF8.GetBytes("chain double sign slash test key w2 with enough bytes"));
        using var strangerSecret = Bls.KeyGen(Encoding.UTF8.GetBytes("chain double sign slash test key nobody registered"));
        var w1 = await RegisterAndStakeAsync(anvil, nonces, token, deployment, "w1", w1Secret);
        var w2 = await RegisterAndStakeAsync(anvil, nonces, token, deployment, "w2", w2Secret);
        await new ContractClient(anvil.Rpc, SettlementContracts.Staking.Abi, deployment.Staking, w1).SendAsync("requestUnstake", [1_000]);

        var folder = Directory.CreateTempSubdirectory("marketplace-slash-tests").FullName;
        var keyFile = Path.Combine(folder, "slasher.key");
        await File.WriteAllTextAsync(keyFile, Convert.ToHexStringLower((await anvil.FundedKeyAsync(Wei.FromEther(1))).ToBytes()));
        var file = Path.Combine(folder, "e.json");
        string[] slash = ["slash", "--evidence", file, "--rpc", anvil.Url, "--key-file", keyFile, "--contract", deployment.Staking.ToString()];

        // Two receipts of one job with the same result (only the time differs): no double sign, nothing sent.
        var job = "job-double-1";
        var sameResult = new DoubleSignEvidence
        {
            PublicKey = Bls.SkToPk(w1Secret).ToBytes(),
            First = Half(Signed(w1Secret, Receipt(job, "w1", outputByte: 1, timestampMs: 1_767_323_045_678))),
            Second = Half(Signed(w1Secret, Receipt(job, "w1", outputByte: 1, timestampMs: 1_767_323_045_679))),
        };
        await File.WriteAllBytesAsync(file, DoubleSignEvidenceJson.Serialize(sameResult));
        var noConflict = await CliRunner.RunAsync(slash);
        Assert.Equal(9, noConflict.Exit);
        Assert.Contains("error evidence_invalid: same_result", noConflict.Error, StringComparison.Ordinal);
        Assert.Equal((new BigInteger(4_000), new BigInteger(1_000)), await StakeAsync(staking, w1.Address));

        // A key no worker registered, signing two results of a job that names w9 (no key) and one that names w2 (another
        // key): the contract refuses each with its error, nothing moves.
        await WriteEvidenceAsync(file, strangerSecret, "job-stranger-1", "w9");
        var unknown = await CliRunner.RunAsync(slash);
        Assert.Equal(3, unknown.Exit);
        Assert.Contains("error chain_reverted", unknown.Error, StringComparison.Ordinal);
        Assert.Contains("UnknownWorker", unknown.Error, StringComparison.Ordinal);
        await WriteEvidenceAsync(file, strangerSecret, "job-stranger-2", "w2");
        var wrongKey = await CliRunner.RunAsync(slash);
        Assert.Equal(3, wrongKey.Exit);
        Assert.Contains("InvalidSignature", wrongKey.Error, StringComparison.Ordinal);
        Assert.Equal((new BigInteger(5_000), BigInteger.Zero), await StakeAsync(staking, w2.Address));
        Assert.True(await EligibleAsync(staking, "w2"));

        // A bad contract address is a usage error.
        var badAddress = await CliRunner.RunAsync("slash", "--evidence", file, "--rpc", anvil.Url, "--key-file", keyFile, "--contract", "0x12");
        Assert.Equal(1, badAddress.Exit);
        Assert.Contains("--contract", badAddress.Error, StringComparison.Ordinal);

        // w1 signed two results of one job: anyone slashes it by the evidence, its whole stake to the treasury.
        var evidence = await WriteEvidenceAsync(file, w1Secret, job, "w1");
        var evidenceHash = DoubleSignEvidenceVerifier.Verify(evidence).EvidenceHash;
        Assert.True(await EligibleAsync(staking, "w1"));
        var slashed = await CliRunner.RunAsync([.. slash, "--json"]);
        Assert.True(slashed.Exit == 0, slashed.Error);
        using (var answer = JsonDocument.Parse(slashed.Output))
        {
            var root = answer.RootElement;
            Assert.Equal(job, root.GetProperty("job_id").GetString());
            Assert.Equal(Convert.ToHexStringLower(evidenceHash), root.GetProperty("evidence_hash").GetString());
            Assert.Equal(w1.Address.ToChecksumString(), root.GetProperty("worker").GetString());
            Assert.Equal("w1", root.GetProperty("worker_id").GetString());
            Assert.Equal("0x" + Convert.ToHexStringLower(ReceiptReleaseCall.ChainId("w1")), root.GetProperty("worker_id_hash").GetString());
            Assert.Equal("5000", root.GetProperty("slashed").GetString());
            Assert.Equal("4000", root.GetProperty("from_active").GetString());
            Assert.Equal("1000", root.GetProperty("from_pending").GetString());
            Assert.True(root.GetProperty("key_banned").GetBoolean());
        }

        Assert.Equal((BigInteger.Zero, BigInteger.Zero), await StakeAsync(staking, w1.Address));
        Assert.Equal(new BigInteger(5_000), await BalanceAsync(token, treasury));
        Assert.False(await EligibleAsync(staking, "w1"));
        Assert.True((bool)((object?[])(await staking.CallAsync("workerKey", [ReceiptReleaseCall.ChainId("w1")]))[0]!)[3]!);
        Assert.Equal(w1.Address, (Address)(await staking.CallAsync("evidenceWorker", [evidenceHash]))[0]!);
        Assert.True(await EligibleAsync(staking, "w2"));

        // The same evidence again, and the same pair in the other order: one offence, used already.
        var replayed = await CliRunner.RunAsync(slash);
        Assert.Equal(3, replayed.Exit);
        Assert.Contains("EvidenceAlreadyUsed", replayed.Error, StringComparison.Ordinal);
        await File.WriteAllBytesAsync(file, DoubleSignEvidenceJson.Serialize(new DoubleSignEvidence { PublicKey = evidence.PublicKey, First = evidence.Second, Second = evidence.First }));
        var swapped = await CliRunner.RunAsync(slash);
        Assert.Equal(3, swapped.Exit);
        Assert.Contains("EvidenceAlreadyUsed", swapped.Error, StringComparison.Ordinal);
        Assert.Equal(new BigInteger(5_000), await BalanceAsync(token, treasury));

        // w2's key signs two results of a job in receipts that name another worker: the key's owner is slashed, and the
        // text form says the receipts named someone else.
        await WriteEvidenceAsync(file, w2Secret, "job-double-2", "w9");
        var text = await CliRunner.RunAsync(slash);
        Assert.True(text.Exit == 0, text.Error);
        Assert.Contains($"slashed the worker at {w2.Address.ToChecksumString()} (worker id hash 0x{Convert.ToHexStringLower(ReceiptReleaseCall.ChainId("w2"))}, which holds the key, not the receipts' w9)", text.Output, StringComparison.Ordinal);
        Assert.Contains("5000 of its stake to the treasury (5000 active, 0 pending); its key is banned", text.Output, StringComparison.Ordinal);
        Assert.Equal(new BigInteger(10_000), await BalanceAsync(token, treasury));
        Assert.False(await EligibleAsync(staking, "w2"));
    }

    private static TransactionSender Sender(IEvmRpcClient rpc, Secp256k1PrivateKey key, NonceManager nonces) => new(rpc, key, nonces, new FeeEstimator(rpc));

    private static async Task<TransactionSender> RegisterAndStakeAsync(
        AnvilNode anvil, NonceManager nonces, ContractClient token, ChainDeploymentResult deployment, string workerId, SecretKey secret)
    {
        var sender = Sender(anvil.Rpc, await anvil.FundedKeyAsync(Wei.FromEther(1)), nonces);
        await token.SendAsync("transfer", [sender.Address, 5_000]);
        await new ContractClient(anvil.Rpc, SettlementContracts.MarketToken.Abi, deployment.Token, sender).SendAsync("approve", [deployment.Staking, 5_000]);
        var staking = new ContractClient(anvil.Rpc, SettlementContracts.Staking.Abi, deployment.Staking, sender);
        await staking.SendAsync("registerKey", [workerId, ReceiptReleaseCall.Words(Bls.SkToPk(secret).ToEip2537()), ReceiptReleaseCall.Words(Bls.PopProve(secret).ToEip2537())]);
        await staking.SendAsync("stake", [5_000]);
        return sender;
    }

    /// <summary>Writes the evidence of <paramref name="secret"/> signing two results of <paramref name="jobId"/> whose
    /// receipts name <paramref name="workerId"/>, built as <c>marketplace evidence</c> builds it.</summary>
    private static async Task<DoubleSignEvidence> WriteEvidenceAsync(string file, SecretKey secret, string jobId, string workerId)
    {
        var evidence = DoubleSignEvidence.From(
            Signed(secret, Receipt(jobId, workerId, outputByte: 1, timestampMs: 1_767_323_045_678)),
            Signed(secret, Receipt(jobId, workerId, outputByte: 2, timestampMs: 1_767_323_045_678)));
        await File.WriteAllBytesAsync(file, DoubleSignEvidenceJson.Serialize(evidence));
        return evidence;
    }

    private static SignedExecutionReceipt Signed(SecretKey secret, ExecutionReceipt receipt)
    {
        var hash = ReceiptCodec.Hash(receipt);
        return new SignedExecutionReceipt { Receipt = receipt, ReceiptHash = hash, WorkerPublicKey = Bls.SkToPk(secret).ToBytes(), Signature = Bls.Sign(secret, hash).ToBytes() };
    }

    private static ConflictingSignature Half(SignedExecutionReceipt signed) =>
        new() { Receipt = signed.Receipt, ReceiptHash = signed.ReceiptHash, Signature = signed.Signature };

    private static async Task<(BigInteger Active, BigInteger Pending)> StakeAsync(ContractClient staking, Address worker)
    {
        var details = await staking.CallAsync("stakeDetails", [worker]);
        return ((BigInteger)details[0]!, (BigInteger)details[1]!);
    }

    private static async Task<bool> EligibleAsync(ContractClient staking, string workerId) =>
        (bool)(await staking.CallAsync("isEligible", [ReceiptReleaseCall.ChainId(workerId)]))[0]!;

    private static async Task<BigInteger> BalanceAsync(ContractClient token, Address account) => (BigInteger)(await token.CallAsync("balanceOf", [account]))[0]!;

    private static ExecutionReceipt Receipt(string jobId, string workerId, byte outputByte, long timestampMs) =>
        ChainTestReceipts.Of(jobId, workerId, fuel: 4_000_000, outputByte, timestampMs);
}
