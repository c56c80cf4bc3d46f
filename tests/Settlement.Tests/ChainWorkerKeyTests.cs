using System.Numerics;
using System.Text;
using Marketplace.Chain.Contracts;
using Marketplace.Crypto.Bls;
using Marketplace.Crypto.Ethereum;
using Marketplace.GrainInterfaces;
using Marketplace.Grains.Settlement;
using Xunit;

namespace Marketplace.Settlement.Tests;

/// <summary>A worker's BLS key registered in the Staking contract, with its proof of possession, by its first stake.</summary>
public sealed class ChainWorkerKeyTests
{
    [AnvilFact]
    public async Task A_workers_first_stake_registers_its_key_on_chain_once_and_a_worker_without_a_key_still_stakes()
    {
        await using var silo = await ChainSilo.StartAsync();
        var registered = await KeyOfAsync(silo, "w1");
        var staking = new ContractClient(silo.Anvil.Rpc, SettlementContracts.Staking.Abi, silo.Deployment.Staking);
        var idHash = Keccak256.Hash(Encoding.UTF8.GetBytes("w1"));

        await silo.Settlement.StakeAsync("w1", 10_000, "s1");
        var entry = (object?[])(await staking.CallAsync("workerKey", [idHash]))[0]!;
        var point = (object?[])entry[0]!;
        var expected = PublicKey.FromBytes(registered.PublicKey).ToEip2537();
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(new BigInteger(expected.AsSpan(i * 32, 32), isUnsigned: true, isBigEndian: true), (BigInteger)point[i]!);
        }

        Assert.Equal(await silo.WorkerAsync("w1"), (Address)entry[1]!);
        Assert.Equal(BigInteger.One, (BigInteger)entry[2]!);
        Assert.False((bool)entry[3]!);
        Assert.Equal(idHash, (byte[])(await staking.CallAsync("keyOwner", [Keccak256.Hash(registered.PublicKey)]))[0]!);
        Assert.Equal(BigInteger.One, await EpochAsync(staking));
        Assert.True((bool)(await staking.CallAsync("isEligible", [idHash]))[0]!);

        // A second stake leaves the key as it is.
        await silo.Settlement.StakeAsync("w1", 5_000, "s2");
        Assert.Equal(BigInteger.One, await EpochAsync(staking));
        Assert.Equal((UInt128)15_000, (await silo.Settlement.GetStakeAsync("w1")).Bonded);

        // A worker id the marketplace has no key for stakes without one.
        await silo.Settlement.StakeAsync("no-key", 2_000, "s3");
        Assert.Equal((UInt128)2_000, (await silo.Settlement.GetStakeAsync("no-key")).Bonded);
        Assert.Equal(new byte[32], (byte[])(await staking.CallAsync("workerIdOf", [await silo.WorkerAsync("no-key")]))[0]!);
        Assert.Equal(BigInteger.One, await EpochAsync(staking));
    }

    private static async Task<BigInteger> EpochAsync(ContractClient staking) => (BigInteger)(await staking.CallAsync("registryEpoch", []))[0]!;

    private static async Task<RegisteredWorkerKey> KeyOfAsync(ChainSilo silo, string workerId)
    {
        var directory = silo.Grains.GetGrain<IWorkerDirectoryGrain>(IWorkerDirectoryGrain.DefaultKey);
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var found = (await directory.GetKeyRegistryAsync()).Workers.Find(w => w.WorkerId == workerId);
            if (found is not null)
            {
                return found;
            }

            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException($"worker {workerId} never registered its key");
            }

            await Task.Delay(50);
        }
    }
}
