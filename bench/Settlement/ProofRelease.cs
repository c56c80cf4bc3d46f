// The proof mode: each job released by anyone on its receipt through the ReceiptRelease contract, as a client would
// claim it without the marketplace. Two workers (the executor and one committee member) register their BLS keys with
// proofs of possession and stake; every job's terms are signed by its custodial client account and every receipt is
// built, signed by both workers and aggregated before the timer starts. Timed: per job, one setTermsWithSignature and
// one releaseByProof, each sent by a claimer key that is neither the client nor a worker and awaited to its receipt.
using System.Numerics;
using System.Text;
using Marketplace.Chain;
using Marketplace.Chain.Contracts;
using Marketplace.Chain.Development;
using Marketplace.Chain.Sending;
using Marketplace.Crypto.Bls;
using Marketplace.Crypto.Ethereum;
using Marketplace.GrainInterfaces;
using Marketplace.Grains.Settlement;
using Marketplace.Settlement.Tests;

namespace Marketplace.Settlement.Bench;

/// <summary>Jobs escrowed through the grain, released on proof: their signed terms and aggregated receipts, ready to
/// send, and the gas their two transactions used.</summary>
internal sealed class ProofRelease
{
    /// <summary>Price per million fuel units stated in each job's terms.</summary>
    public const long PricePerMillionFuel = 100;

    /// <summary>Signers each job's receipt needs: the executor and one committee member.</summary>
    public const int Threshold = 2;

    private const string ExecutorId = "bench-proof-executor";
    private const string MemberId = "bench-proof-member";
    private const ulong Stake = 5_000;

    private readonly TransactionSender _claimer;
    private readonly Address _contract;
    private readonly IReadOnlyList<Claim> _claims;

    private ProofRelease(TransactionSender claimer, Address contract, IReadOnlyList<Claim> claims, Address executor, Address member)
    {
        _claimer = claimer;
        _contract = contract;
        _claims = claims;
        Executor = executor;
        Member = member;
    }

    /// <summary>The executor's account, paid the charge less the committee fee.</summary>
    public Address Executor { get; }

    /// <summary>The committee member's account, paid the committee fee.</summary>
    public Address Member { get; }

    /// <summary>Gas of the <c>setTermsWithSignature</c> transactions sent so far.</summary>
    public ulong TermsGas { get; private set; }

    /// <summary>Gas of the <c>releaseByProof</c> transactions sent so far.</summary>
    public ulong ReleaseGas { get; private set; }

    /// <summary>Registers and stakes the two workers (their tokens from <paramref name="settlementKey"/>), signs the
    /// terms of <paramref name="jobIds"/> with <paramref name="clientId"/>'s custodial account and builds each job's
    /// receipt for <paramref name="charge"/>, signed by both workers.</summary>
    public static async Task<ProofRelease> PrepareAsync(
        AnvilNode anvil, ChainDeploymentResult deployment, Secp256k1PrivateKey settlementKey, NonceManager nonces,
        string clientId, IReadOnlyList<string> jobIds, ulong charge, int committeeFeePercent)
    {
        var token = new ContractClient(anvil.Rpc, SettlementContracts.MarketToken.Abi, deployment.Token, Sender(anvil, settlementKey, nonces));
        using var executorSecret = Bls.KeyGen(Encoding.UTF8.GetBytes("settlement benchmark key of " + ExecutorId));
        using var memberSecret = Bls.KeyGen(Encoding.UTF8.GetBytes("settlement benchmark key of " + MemberId));
        var executor = await RegisterAsync(anvil, deployment, nonces, token, ExecutorId, executorSecret);
        var member = await RegisterAsync(anvil, deployment, nonces, token, MemberId, memberSecret);

        var client = new CustodialAccounts(settlementKey).KeyOf(AccountRole.Client, clientId);
        var claims = new List<Claim>(jobIds.Count);
        foreach (var jobId in jobIds)
        {
            var terms = new ChainJobTerms
            {
                JobId = jobId,
                ChainId = deployment.ChainId,
                ReceiptRelease = deployment.ReceiptRelease.ToChecksumString(),
                Client = Address.FromPublicKey(client.PublicKey).ToChecksumString(),
                PricePerMillionFuel = PricePerMillionFuel,
                Threshold = Threshold,
                CommitteeFeePercent = committeeFeePercent,
                ClientSignature = JobTermsSignature.Sign(client, JobTermsSignature.Digest(
                    deployment.ChainId, deployment.ReceiptRelease, jobId, PricePerMillionFuel, Threshold, committeeFeePercent)),
            };
            var receipt = ChainTestReceipts.Of(jobId, ExecutorId, fuel: (long)charge / PricePerMillionFuel);
            var hash = ReceiptCodec.Hash(receipt);
            var aggregated = new AggregatedReceipt
            {
                Receipt = receipt,
                ReceiptHash = hash,
                Members = [new CommitteeMember { WorkerId = ExecutorId }, new CommitteeMember { WorkerId = MemberId }],
                SignerBitmap = [0b11],
                AggregateSignature = Bls.Aggregate([Bls.Sign(executorSecret, hash), Bls.Sign(memberSecret, hash)]).ToBytes(),
                Threshold = Threshold,
            };
            claims.Add(new Claim(JobTermsSignature.EncodeSetTerms(terms), ReceiptReleaseCall.Encode(aggregated)));
        }

        var claimer = Sender(anvil, await anvil.FundedKeyAsync(Wei.FromEther(100)), nonces);
        return new ProofRelease(claimer, deployment.ReceiptRelease, claims, executor, member);
    }

    /// <summary>States each job's terms and releases it on its receipt, one transaction each, awaited in turn.</summary>
    public async Task ClaimAllAsync()
    {
        foreach (var claim in _claims)
        {
            TermsGas += (await _claimer.SendAndWaitAsync(new TransactionRequest { To = _contract, Data = claim.SetTerms })).GasUsed;
            ReleaseGas += (await _claimer.SendAndWaitAsync(new TransactionRequest { To = _contract, Data = claim.ReleaseByProof })).GasUsed;
        }
    }

    /// <summary>Checks that every job paid its executor and committee member as the contract splits
    /// <paramref name="charge"/> (the committee's <paramref name="committeeFeePercent"/> to the one member, the rest to
    /// the executor).</summary>
    /// <exception cref="InvalidOperationException">An account was credited otherwise.</exception>
    public async Task CheckPaidAsync(ContractClient escrow, ulong charge, int committeeFeePercent)
    {
        var fee = (BigInteger)charge * committeeFeePercent / 100;
        var jobs = _claims.Count;
        foreach (var (account, each) in new[] { (Executor, charge - fee), (Member, fee) })
        {
            var credited = (BigInteger)(await escrow.CallAsync("claimable", [account]))[0]!;
            if (credited != each * jobs)
            {
                throw new InvalidOperationException($"{account} was credited {credited} for {jobs} jobs released on proof, not {each * jobs}");
            }
        }
    }

    /// <summary>Funds, registers (key and proof of possession) and stakes worker <paramref name="workerId"/> from a new
    /// account; returns the account, the one its payments are credited to.</summary>
    private static async Task<Address> RegisterAsync(
        AnvilNode anvil, ChainDeploymentResult deployment, NonceManager nonces, ContractClient token, string workerId, SecretKey secret)
    {
        var worker = Sender(anvil, await anvil.FundedKeyAsync(Wei.FromEther(1)), nonces);
        await token.SendAsync("transfer", [worker.Address, Stake]);
        await new ContractClient(anvil.Rpc, SettlementContracts.MarketToken.Abi, deployment.Token, worker).SendAsync("approve", [deployment.Staking, Stake]);
        var staking = new ContractClient(anvil.Rpc, SettlementContracts.Staking.Abi, deployment.Staking, worker);
        await staking.SendAsync("registerKey", [workerId, ReceiptReleaseCall.Words(Bls.SkToPk(secret).ToEip2537()), ReceiptReleaseCall.Words(Bls.PopProve(secret).ToEip2537())]);
        await staking.SendAsync("stake", [Stake]);
        return worker.Address;
    }

    private static TransactionSender Sender(AnvilNode anvil, Secp256k1PrivateKey key, NonceManager nonces) =>
        new(anvil.Rpc, key, nonces, new FeeEstimator(anvil.Rpc));

    private sealed record Claim(byte[] SetTerms, byte[] ReleaseByProof);
}
