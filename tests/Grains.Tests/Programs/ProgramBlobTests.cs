using System.Buffers.Binary;
using System.Text;
using Marketplace.Crypto.Hashing;
using Marketplace.GrainInterfaces;
using Marketplace.Grains.Execution;
using Xunit;

namespace Marketplace.Grains.Tests.Programs;

/// <summary>Programs that name blobs in their manifest: unknown refs are rejected at deploy, stored ones are readable
/// through the host ABI.</summary>
public sealed class ProgramBlobTests(ProgramsSiloFixture fixture) : IClassFixture<ProgramsSiloFixture>
{
    [Fact]
    public async Task UnknownBlobRefIsRejectedAtDeploy()
    {
        var manifest = ProgramsSiloFixture.Manifest("blobref");
        var missing = "blob" + new string('c', 64);
        manifest.BlobRefs = [missing];
        manifest.Salt = "0b";
        var e = await Assert.ThrowsAsync<ProgramRejectedException>(() => fixture.DeployAsync(ProgramsSiloFixture.Module("blob"), manifest));
        Assert.Contains($"blob ref {missing}: no such blob is stored", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ABlobRefTheDeployingClientCannotReadIsRejectedAsIfItWereNotStored()
    {
        var content = Encoding.UTF8.GetBytes($"alice's blob {Guid.NewGuid():N}");
        var alice = BlobCaller.Client("alice");
        var blob = await BlobTransfer.StoreAsync(fixture.Grains, alice, content, null, CancellationToken.None);
        var manifest = ProgramsSiloFixture.Manifest("blobref-owned");
        manifest.BlobRefs = [blob.Id];
        manifest.Salt = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray());
        var deployment = ProgramDeployments.Create(ProgramsSiloFixture.Module("blob"), manifest, ProgramsSiloFixture.DeployerKey);
        var program = fixture.Grains.GetGrain<IProgramGrain>(ProgramDeployments.ComputeProgramId(deployment.Wasm, manifest.Salt));

        var e = await Assert.ThrowsAsync<ProgramRejectedException>(() => program.DeployAsync(deployment, BlobCaller.Client("bob")));
        Assert.Contains($"blob ref {blob.Id}: no such blob is stored", e.Message, StringComparison.Ordinal);

        // Alice may: the deploy passes, and runs read the ref with the silo's authority, whoever submits the job.
        var info = await program.DeployAsync(deployment, alice);
        var read = await RunAsync(info, 'R', blob.Id);
        Assert.Equal(content, read[4..]);
    }

    [Fact]
    public async Task ManifestBlobsAreReadableThroughTheHostAbi()
    {
        var content = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("blob content for a program. ", 100)));
        var upload = fixture.Grains.GetGrain<IBlobUploadGrain>(Guid.NewGuid());
        await upload.BeginAsync(BlobCaller.Silo);
        await upload.AppendAsync(content);
        var blob = await upload.CompleteAsync("text/plain", BlobCaller.Silo);

        var manifest = ProgramsSiloFixture.Manifest("blobreader");
        manifest.BlobRefs = [blob.Id.ToUpperInvariant()];
        var program = await fixture.DeployAsync(ProgramsSiloFixture.Module("blob"), manifest);
        Assert.Equal([blob.Id], program.Manifest.BlobRefs);

        var read = await RunAsync(program, 'R', blob.Id);
        Assert.Equal(content.Length, BinaryPrimitives.ReadInt32LittleEndian(read));
        Assert.Equal(content, read[4..]);

        // Bare hex and the 32 raw bytes name the same blob.
        Assert.Equal(content, (await RunAsync(program, 'R', blob.Id[4..]))[4..]);
        Assert.Equal(content, (await RunAsync(program, 'R', Convert.FromHexString(blob.Id[4..])))[4..]);

        Assert.Equal(-7, BinaryPrimitives.ReadInt32LittleEndian(await RunAsync(program, 'r', blob.Id)));
        Assert.Equal(1, BinaryPrimitives.ReadInt32LittleEndian(await RunAsync(program, 'E', blob.Id)));
        Assert.Equal(content.Length, BinaryPrimitives.ReadInt64LittleEndian(await RunAsync(program, 'N', blob.Id)));
        var hash = await RunAsync(program, 'H', blob.Id);
        Assert.Equal(0, BinaryPrimitives.ReadInt32LittleEndian(hash));
        Assert.Equal(Blake3.Hash(content), hash[4..36]);

        // Blobs outside the manifest, and malformed ids, answer with the table's codes.
        var other = "blob" + new string('d', 64);
        Assert.Equal(-6, BinaryPrimitives.ReadInt32LittleEndian(await RunAsync(program, 'R', other)));
        Assert.Equal(0, BinaryPrimitives.ReadInt32LittleEndian(await RunAsync(program, 'E', other)));
        Assert.Equal(-1L, BinaryPrimitives.ReadInt64LittleEndian(await RunAsync(program, 'N', other)));
        Assert.Equal(-4, BinaryPrimitives.ReadInt32LittleEndian(await RunAsync(program, 'R', "blobzz")));
        Assert.Equal(-5, BinaryPrimitives.ReadInt32LittleEndian(await RunAsync(program, 'R', "blobabcd")));
        Assert.Equal(-3, BinaryPrimitives.ReadInt32LittleEndian(await RunAsync(program, 'R', new byte[] { 0xff, 0xfe })));
    }

    private Task<byte[]> RunAsync(ProgramInfo program, char op, string id) => RunAsync(program, op, Encoding.UTF8.GetBytes(id));

    private async Task<byte[]> RunAsync(ProgramInfo program, char op, byte[] id)
    {
        var result = await fixture.RunAsync(program, [(byte)op, .. id]);
        Assert.True(ProgramRunOutcome.Succeeded == result.Outcome, result.Error);
        return result.Output.ToArray();
    }
}
