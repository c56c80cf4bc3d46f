using System.Buffers.Binary;
using System.Security.Cryptography;
using Marketplace.Crypto.Ethereum;
using Marketplace.Grains.Execution;
using Xunit;

namespace Marketplace.Grains.Tests.Programs;

public sealed class ProgramCryptoHostTests(ProgramsSiloFixture fixture) : IClassFixture<ProgramsSiloFixture>
{
    [Fact]
    public async Task HashesMatchTheLibrariesAndErrorCodesFollowTheTable()
    {
        var program = await fixture.DeployFreshAsync("crypto");
        var data = "hello world"u8.ToArray();

        var sha = await RunAsync(program, 'S', data);
        Assert.Equal(32, Result(sha));
        Assert.Equal(SHA256.HashData(data), sha[4..36]);

        var keccak = await RunAsync(program, 'K', data);
        Assert.Equal(32, Result(keccak));
        Assert.Equal(Keccak256.Hash(data), keccak[4..36]);

        Assert.Equal(-32, Result(await RunAsync(program, 'Q', data)));
        Assert.Equal(-3, Result(await RunAsync(program, 'U', data)));
    }

    [Fact]
    public async Task Secp256k1VerifyAndRecover()
    {
        var program = await fixture.DeployFreshAsync("crypto");
        var key = Secp256k1PrivateKey.FromBytes(ProgramsSiloFixture.DeployerKey);
        var message = Keccak256.Hash("message"u8);
        var signature = key.Sign(message).ToBytes();
        var publicKey = key.PublicKey.ToBytes(compressed: false)[1..];

        Assert.Equal(0, Result(await RunAsync(program, 'V', [.. message, .. signature, .. publicKey])));
        var other = Keccak256.Hash("other"u8);
        Assert.Equal(1, Result(await RunAsync(program, 'V', [.. other, .. signature, .. publicKey])));
        var badKey = new byte[64];
        Assert.Equal(-3, Result(await RunAsync(program, 'V', [.. message, .. signature, .. badKey])));

        var recovered = await RunAsync(program, 'X', [.. message, .. signature]);
        Assert.Equal(0, Result(recovered));
        Assert.Equal(publicKey, recovered[4..68]);
        var zeroSignature = new byte[65];
        Assert.Equal(-2, Result(await RunAsync(program, 'X', [.. message, .. zeroSignature])));
    }

    private async Task<byte[]> RunAsync(GrainInterfaces.ProgramInfo program, char op, byte[] rest)
    {
        var result = await fixture.RunAsync(program, [(byte)op, .. rest]);
        Assert.True(ProgramRunOutcome.Succeeded == result.Outcome, result.Error);
        return result.Output.ToArray();
    }

    private static int Result(byte[] output) => BinaryPrimitives.ReadInt32LittleEndian(output);
}
