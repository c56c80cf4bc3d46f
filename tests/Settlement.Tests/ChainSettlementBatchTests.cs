using System.Diagnostics;
using System.Numerics;
using Marketplace.Chain;
using Marketplace.Crypto.Ethereum;
using Marketplace.GrainInterfaces;
using Marketplace.Grains.Settlement;
using Xunit;
using Xunit.Abstractions;

namespace Marketplace.Settlement.Tests;

/// <summary>Batched release: the encoding and Merkle root match the contract's, and 100 jobs settle in two transactions
/// with exact balances.</summary>
public sealed class ChainSettlementBatchTests(ITestOutputHelper output)
{
    [Fact]
    public void TheReadmeExampleEncodesAsDocumented()
    {
        var c1 = Address.Parse("0x1000000000000000000000000000000000000001");
        var e1 = Address.Parse("0x2000000000000000000000000000000000000002");
        var e2 = Address.Parse("0x3000000000000000000000000000000000000003");
        var c2 = Address.Parse("0x4000000000000000000000000000000000000004");
        var batch = EscrowBatch.Build(
        [
            new BatchJob(1, c1, 1000, [new PayoutLine(e1, 600), new PayoutLine(e2, 30)]),
            new BatchJob(2, c2, 500, []),
            new BatchJob(3, c1, 300, [new PayoutLine(e1, 300)]),
        ]);
        Assert.Equal([c1, e1, e2, c2], batch.Accounts);
        BigInteger[] expected =
        [
            1 | (BigInteger.One << 81), 600 | (BigInteger.One << 128), 30 | (new BigInteger(2) << 128),
            2 | (new BigInteger(3) << 64), 3 | (BigInteger.One << 80), 300 | (BigInteger.One << 128),
        ];
        Assert.Equal(expected, batch.Entries);
        Assert.Equal(5, batch.Leaves.Count);
        Assert.Equal(EscrowBatch.Leaf(1, c1, 370), batch.Leaves[2]);
        Assert.Throws<ArgumentException>(() => EscrowBatch.Build([new BatchJob(1, c1, 10, [new PayoutLine(e1, 11)])]));
        Assert.Throws<ArgumentException>(() => EscrowBatch.Build([new BatchJob(1, c1, 10, [new PayoutLine(e1, 0)])]));
        Assert.Throws<ArgumentException>(() => EscrowBatch.Build([]));
    }

    [AnvilFact]
    public async Task LeavesMatchTheContractsPayoutLeafAndAHundredJobsSettleInTwoBatches()
    {
        await using var silo = await ChainSilo.StartAsync(new Dictionary<string, string> { ["BatchSize"] = "50" });
        var settlement = silo.Settlement;

        // The leaf encoding, against the contract's own.
        var account = await silo.WorkerAsync("w-leaf");
        var contractLeaf = (byte[])SettlementContracts.Escrow.Abi.GetFunction("payoutLeaf").DecodeOutput(await silo.Anvil.Rpc.CallAsync(new Chain.Rpc.CallRequest
        {
            To = silo.Deployment.Escrow,
            Data = SettlementContracts.Escrow.Abi.GetFunction("payoutLeaf").EncodeCall(77, account, new BigInteger(123_456_789)),
        }))[0]!;
        Assert.Equal(contractLeaf, EscrowBatch.Leaf(77, account, 123_456_789));

        const int Jobs = 100;
        const int Clients = 4;
        const int Workers = 5;
        for (var c = 0; c < Clients; c++)
        {
            await settlement.DepositAsync($"client-{c}", 10_000_000, $"deposit-{c}");
        }

        var expected = new Dictionary<string, BigInteger>(StringComparer.Ordinal);
        var clientRest = new BigInteger[Clients];
        var watch = Stopwatch.StartNew();
        for (var j = 0; j < Jobs; j++)
        {
            var client = $"client-{j % Clients}";
            var escrowAmount = 100_000 + (j * 1_000);
            await settlement.EscrowAsync($"job-{j}", client, (UInt128)escrowAmount);
        }

        var escrowTime = watch.Elapsed;
        for (var j = 0; j < Jobs; j++)
        {
            var escrowAmount = 100_000 + (j * 1_000);
            if (j % 10 == 9)
            {
                await settlement.RefundAsync($"job-{j}", RefundReason.Failed);
                clientRest[j % Clients] += escrowAmount;
                continue;
            }

            var charge = escrowAmount / 2;
            var executor = $"worker-{j % Workers}";
            List<string> committee = [$"worker-{(j + 1) % Workers}", $"worker-{(j + 2) % Workers}"];
            var paid = await settlement.PayAsync($"job-{j}", new JobPayout { ExecutorId = executor, Charge = (UInt128)charge, Committee = committee });
            expected[executor] = expected.GetValueOrDefault(executor) + (BigInteger)paid.ExecutorAmount;
            foreach (var share in paid.CommitteeShares)
            {
                expected[share.WorkerId] = expected.GetValueOrDefault(share.WorkerId) + (BigInteger)share.Amount;
            }

            clientRest[j % Clients] += escrowAmount - charge;
        }

        var payTime = watch.Elapsed - escrowTime;
        var status = await silo.Chain.FlushAsync();
        var flushTime = watch.Elapsed - escrowTime - payTime;
        output.WriteLine($"{Jobs} escrows {escrowTime.TotalMilliseconds:0} ms, settlements {payTime.TotalMilliseconds:0} ms, flush {flushTime.TotalMilliseconds:0} ms; batches: {string.Join(", ", status.RecentBatches.Select(b => $"{b.Jobs} jobs {b.GasUsed} gas"))}");
        Assert.Equal(2, status.BatchesSent);
        Assert.All(status.RecentBatches, b => Assert.Equal(50, b.Jobs));
        Assert.Equal(2, await silo.EscrowViewAsync("batchCount"));
        Assert.Equal(0, await silo.EscrowViewAsync("totalEscrowed"));
        foreach (var (worker, amount) in expected)
        {
            Assert.Equal(amount, await silo.EscrowViewAsync("claimable", await silo.WorkerAsync(worker)));
        }

        for (var c = 0; c < Clients; c++)
        {
            Assert.Equal(clientRest[c], await silo.EscrowViewAsync("claimable", await silo.ClientAsync($"client-{c}")));
        }

        // Each batch's root as the contract recorded it equals the one computed here.
        foreach (var batch in status.RecentBatches)
        {
            var root = (byte[])SettlementContracts.Escrow.Abi.GetFunction("batchRoot").DecodeOutput(await silo.Anvil.Rpc.CallAsync(new Chain.Rpc.CallRequest
            {
                To = silo.Deployment.Escrow,
                Data = SettlementContracts.Escrow.Abi.GetFunction("batchRoot").EncodeCall(batch.ChainBatchId),
            }))[0]!;
            Assert.Equal(batch.Root, Hex.Encode(root));
        }
    }
}
