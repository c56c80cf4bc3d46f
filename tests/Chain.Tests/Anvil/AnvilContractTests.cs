using System.Numerics;
using Marketplace.Chain.Abi;
using Marketplace.Chain.Contracts;
using Marketplace.Chain.Rpc;
using Marketplace.Chain.Sending;
using Marketplace.Crypto.Ethereum;
using Xunit;

namespace Marketplace.Chain.Tests.Anvil;

/// <summary>Deploying, calling and transacting the ChainProbe contract on anvil; reverts; events and log filters.</summary>
public sealed class AnvilContractTests(AnvilFixture anvil) : IClassFixture<AnvilFixture>
{
    private static readonly ContractArtifact Artifact = ChainProbeContract.Load();

    [AnvilFact]
    public async Task DeployCallAndTransactWithEvents()
    {
        var owner = anvil.Sender(await anvil.FundedKeyAsync(Wei.FromEther(5)));
        var probe = await ContractClient.DeployAsync(owner, Artifact, [new BigInteger(100)], value: 7);

        Assert.Equal(new BigInteger(7), await anvil.Rpc.GetBalanceAsync(probe.Address));
        Assert.Equal(new BigInteger(100), (await probe.CallAsync("limit", []))[0]);
        Assert.Equal(owner.Address, (await probe.CallAsync("owner", []))[0]);
        Assert.Equal(true, (await probe.CallAsync("onlyOwner", []))[0]);

        var receipt = await probe.SendAsync("store", [new BigInteger(7), 42, "hello ✓"]);

        var stored = Assert.Single(probe.DecodeEvents(receipt, "Stored"));
        Assert.Equal(owner.Address, stored["by"]);
        Assert.Equal(new BigInteger(7), stored["key"]);
        Assert.Equal("hello ✓", stored["note"]);
        Assert.Equal(new BigInteger(42), stored["value"]);
        Assert.Equal(new BigInteger(42), (await probe.CallAsync("values", [7]))[0]);

        var deposit = await probe.SendAsync("deposit", [], value: 1000);
        Assert.Equal(new BigInteger(1000), Assert.Single(probe.DecodeEvents(deposit, "Deposited"))["amount"]);
        Assert.Equal(new BigInteger(1007), await anvil.Rpc.GetBalanceAsync(probe.Address));
    }

    [AnvilFact]
    public async Task DynamicArraysTuplesAndSignedIntegersRoundTripThroughTheEvm()
    {
        var owner = anvil.Sender(await anvil.FundedKeyAsync(Wei.FromEther(5)));
        var probe = await ContractClient.DeployAsync(owner, Artifact, [new BigInteger(1)]);
        var tag = new byte[32];
        tag[0] = 0xab;
        tag[31] = 0x01;
        object?[] entries = [new object?[] { 1UL, tag }, new object?[] { ulong.MaxValue, new byte[32] }];

        var result = await probe.CallAsync("echo", [entries, "ünïcode", -21]);

        var echoed = Assert.IsType<object?[]>(result[0]);
        Assert.Equal(2, echoed.Length);
        Assert.Equal(new BigInteger(1), ((object?[])echoed[0]!)[0]);
        Assert.Equal(tag, ((object?[])echoed[0]!)[1]);
        Assert.Equal(new BigInteger(ulong.MaxValue), ((object?[])echoed[1]!)[0]);
        Assert.Equal("ünïcode", result[1]);
        Assert.Equal(new BigInteger(-42), result[2]);
    }

    [AnvilFact]
    public async Task RevertsAreDecodedIntoTypedExceptions()
    {
        var owner = anvil.Sender(await anvil.FundedKeyAsync(Wei.FromEther(5)));
        var stranger = anvil.Sender(await anvil.FundedKeyAsync(Wei.FromEther(1)));
        var probe = await ContractClient.DeployAsync(owner, Artifact, [new BigInteger(100)]);

        var tooLarge = await Assert.ThrowsAsync<ContractRevertException>(() => probe.SendAsync("store", [1, 1000, "x"]));
        Assert.Equal(RevertKind.CustomError, tooLarge.Reason.Kind);
        Assert.Equal("TooLarge", tooLarge.Reason.Error!.Name);
        Assert.Equal([new BigInteger(1000), new BigInteger(100)], tooLarge.Reason.Arguments);
        Assert.Null(tooLarge.TransactionHash);
        Assert.Equal("TooLarge(1000, 100)", tooLarge.Reason.ToString());

        var message = await Assert.ThrowsAsync<ContractRevertException>(() => probe.CallAsync("requirePositive", [0]));
        Assert.Equal(RevertKind.ErrorString, message.Reason.Kind);
        Assert.Equal("value must be positive", message.Reason.Message);

        var panic = await Assert.ThrowsAsync<ContractRevertException>(() => probe.CallAsync("divide", [1, 0]));
        Assert.Equal(RevertKind.Panic, panic.Reason.Kind);
        Assert.Equal(new BigInteger(0x12), panic.Reason.PanicCode);

        var empty = await Assert.ThrowsAsync<ContractRevertException>(() => probe.CallAsync("revertEmpty", []));
        Assert.Equal(RevertKind.Empty, empty.Reason.Kind);

        var asStranger = new ContractClient(anvil.Rpc, Artifact.Abi, probe.Address, stranger);
        var notOwner = await Assert.ThrowsAsync<ContractRevertException>(() => asStranger.CallAsync("onlyOwner", []));
        Assert.Equal("NotOwner", notOwner.Reason.Error!.Name);
        Assert.Equal(stranger.Address, notOwner.Reason.Arguments[0]);
    }

    [AnvilFact]
    public async Task AMinedRevertIsReportedWithItsHashAndDecodedReason()
    {
        var owner = anvil.Sender(await anvil.FundedKeyAsync(Wei.FromEther(5)));
        var probe = await ContractClient.DeployAsync(owner, Artifact, [new BigInteger(100)]);
        var data = Artifact.Abi.GetFunction("store").EncodeCall(1, 500, "too much");

        // A fixed gas limit skips the estimate, so the transaction is mined and fails on chain.
        var error = await Assert.ThrowsAsync<ContractRevertException>(() => owner.SendAndWaitAsync(
            new TransactionRequest { To = probe.Address, Data = data, GasLimit = 200_000 }));

        Assert.NotNull(error.TransactionHash);
        var receipt = await anvil.Rpc.GetTransactionReceiptAsync(error.TransactionHash.Value);
        Assert.False(receipt!.Succeeded);
        Assert.Equal(RevertKind.CustomError, Artifact.Abi.DecodeRevert(error.Reason.Data).Kind);
    }

    [AnvilFact]
    public async Task LogsAreFilteredByAddressAndTopics()
    {
        var alice = anvil.Sender(await anvil.FundedKeyAsync(Wei.FromEther(5)));
        var bob = anvil.Sender(await anvil.FundedKeyAsync(Wei.FromEther(5)));
        var probe = await ContractClient.DeployAsync(alice, Artifact, [new BigInteger(1000)]);
        var other = await ContractClient.DeployAsync(alice, Artifact, [new BigInteger(1000)]);
        var asBob = new ContractClient(anvil.Rpc, Artifact.Abi, probe.Address, bob);
        var from = BlockTag.Number(await anvil.Rpc.GetBlockNumberAsync());
        await probe.SendAsync("store", [1, 10, "a1"]);
        await probe.SendAsync("store", [2, 20, "a2"]);
        await asBob.SendAsync("store", [2, 30, "b2"]);
        await other.SendAsync("store", [2, 40, "elsewhere"]);
        var stored = Artifact.Abi.GetEvent("Stored");

        var all = await probe.GetEventsAsync("Stored", from, BlockTag.Latest);
        Assert.Equal(["a1", "a2", "b2"], all.Select(e => (string)e["note"]!));

        var keyTwo = await probe.GetEventsAsync("Stored", from, BlockTag.Latest, [null, [stored.EncodeTopic(1, 2)]]);
        Assert.Equal(["a2", "b2"], keyTwo.Select(e => (string)e["note"]!));

        var byBob = await probe.GetEventsAsync("Stored", from, BlockTag.Latest, [[stored.EncodeTopic(0, bob.Address)]]);
        Assert.Equal("b2", Assert.Single(byBob)["note"]);

        var aliceOrBobKeyOne = await probe.GetEventsAsync(
            "Stored", from, BlockTag.Latest, [[stored.EncodeTopic(0, alice.Address), stored.EncodeTopic(0, bob.Address)], [stored.EncodeTopic(1, 1)]]);
        Assert.Equal("a1", Assert.Single(aliceOrBobKeyOne)["note"]);

        var raw = await anvil.Rpc.GetLogsAsync(new LogFilter
        {
            Addresses = [probe.Address, other.Address],
            Topics = [[stored.Topic], null, [stored.EncodeTopic(1, 2)]],
            FromBlock = from,
        });
        Assert.Equal(3, raw.Count);
        Assert.Equal(other.Address, raw[^1].Address);
        Assert.All(raw, log => Assert.NotNull(log.TransactionHash));

        var none = await anvil.Rpc.GetLogsAsync(new LogFilter
        {
            Addresses = [Address.FromPublicKey(Secp256k1PrivateKey.Generate().PublicKey)],
            FromBlock = from,
        });
        Assert.Empty(none);
    }
}
