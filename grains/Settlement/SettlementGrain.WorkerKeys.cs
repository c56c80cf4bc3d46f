// Design: a worker's BLS key goes on chain from its custodial account before its first stake, with the proof of
// possession the worker gave the marketplace, so the Staking contract can name the key a payment or a slash by proof
// cites. Registration never blocks a stake: a worker without a key in the marketplace's registry, or whose id or key
// the chain already binds to another account (a chain shared with another deployment), stakes without it and the
// reason is logged. The checks read the chain first, so the transaction is only sent when it will not revert.
using System.Text;
using Marketplace.Chain.Rpc;
using Marketplace.Crypto.Bls;
using Marketplace.Crypto.Ethereum;
using Marketplace.GrainInterfaces;

namespace Marketplace.Grains.Settlement;

/// <summary>Worker keys registered in the Staking contract.</summary>
internal sealed partial class SettlementGrain
{
    /// <summary>Registers <paramref name="workerId"/>'s key from its account <paramref name="worker"/>, as step
    /// <c>{operation}#key</c>, unless the chain binds a key to the account already or the key cannot be
    /// registered (logged).</summary>
    private async Task RegisterWorkerKeyAsync(string operation, string workerId, Address worker, Secp256k1PrivateKey signer)
    {
        if (await KeyRegistrationAsync(workerId, worker) is not { } call)
        {
            return;
        }

        try
        {
            await StepAsync(operation + "#key", signer, chain.Staking, call);
        }
        catch (SettlementConflictException e)
        {
            _log.WorkerKeyNotRegistered(workerId, e.Message);
        }
        catch (ContractRevertException e)
        {
            // Refused before it was sent (e.g. a chain without the BLS12-381 precompiles): the stake goes on.
            _log.WorkerKeyNotRegistered(workerId, e.Message);
        }
    }

    /// <summary>The <c>registerKey</c> call for <paramref name="workerId"/>, or null when the account has a key on
    /// chain already, the worker registered none with the marketplace, or the chain binds its id or key elsewhere.</summary>
    private async Task<byte[]?> KeyRegistrationAsync(string workerId, Address worker)
    {
        var bound = (byte[])(await chain.CallAsync(SettlementChain.StakingAbi, chain.Staking, "workerIdOf", worker))[0]!;
        if (bound.AsSpan().ContainsAnyExcept((byte)0))
        {
            return null;
        }

        var registry = await GrainFactory.GetGrain<IWorkerDirectoryGrain>(IWorkerDirectoryGrain.DefaultKey).GetKeyRegistryAsync();
        var entry = registry.Workers.Find(w => string.Equals(w.WorkerId, workerId, StringComparison.Ordinal));
        if (entry is null)
        {
            _log.WorkerKeyNotRegistered(workerId, "the worker has no key in the marketplace's registry");
            return null;
        }

        var idHash = Keccak256.Hash(Encoding.UTF8.GetBytes(workerId));
        var holder = (Address)(await chain.CallAsync(SettlementChain.StakingAbi, chain.Staking, "workerOf", idHash))[0]!;
        if (holder != Address.Zero)
        {
            _log.WorkerKeyNotRegistered(workerId, $"the chain binds the worker id to account {holder}");
            return null;
        }

        var owner = (byte[])(await chain.CallAsync(SettlementChain.StakingAbi, chain.Staking, "keyOwner", Keccak256.Hash(entry.PublicKey)))[0]!;
        if (owner.AsSpan().ContainsAnyExcept((byte)0))
        {
            _log.WorkerKeyNotRegistered(workerId, "the chain has the key under another worker id");
            return null;
        }

        var key = ReceiptReleaseCall.Words(PublicKey.FromBytes(entry.PublicKey).ToEip2537());
        var proof = ReceiptReleaseCall.Words(Signature.FromBytes(entry.ProofOfPossession).ToEip2537());
        return SettlementChain.StakingAbi.GetFunction("registerKey").EncodeCall(workerId, key, proof);
    }
}
