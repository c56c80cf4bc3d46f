using System.Buffers.Binary;
using System.Text;
using Marketplace.Crypto.Ethereum;
using Marketplace.GrainInterfaces;
using Xunit;

namespace Marketplace.Grains.Tests.Programs;

/// <summary>A program name belongs to the key that first deployed it; later versions come from it or from a key it
/// delegated to with a signed statement, until it revokes that key.</summary>
public sealed class ProgramDelegationTests(ProgramsSiloFixture fixture) : IClassFixture<ProgramsSiloFixture>
{
    private static readonly byte[] OwnerKey = ProgramsSiloFixture.DeployerKey;
    private static readonly byte[] DelegateKey = CatalogKit.Key(0x21);
    private static readonly byte[] StrangerKey = CatalogKit.Key(0x33);
    private static readonly string Owner = CatalogKit.AddressOf(OwnerKey);
    private static readonly string Delegate = CatalogKit.AddressOf(DelegateKey);
    private static readonly string Stranger = CatalogKit.AddressOf(StrangerKey);

    [Fact]
    public async Task ADelegateDeploysUntilRevokedAndTheOwnerStaysTheOwner()
    {
        var name = Unique("deleg");
        var grain = fixture.Grains.GetGrain<IProgramNameGrain>(name);
        await CatalogKit.DeployAsync(fixture.Grains, name, "1.0.0", OwnerKey);
        var before = await Assert.ThrowsAsync<ProgramRejectedException>(() => CatalogKit.DeployAsync(fixture.Grains, name, "1.1.0", DelegateKey));
        Assert.Contains($"'{name}' belongs to deployer {Owner}; {Delegate} is not a delegate of it", before.Message, StringComparison.Ordinal);

        var granted = await grain.DelegateAsync(ProgramDelegations.Create(name, Delegate, DelegationAction.Grant, 1, OwnerKey));
        Assert.Equal([Delegate], granted.Delegates);
        Assert.Equal(Owner, granted.Owner);
        Assert.Equal(1, granted.DelegationNonce);

        var byDelegate = await CatalogKit.DeployAsync(fixture.Grains, name, "1.1.0", DelegateKey);
        Assert.Equal(Delegate, byDelegate.Deployer);
        Assert.Equal(byDelegate.Id, (await ProgramReferences.ResolveAsync(fixture.Grains, name)).Id);

        // A delegate may deploy, not delegate.
        var byDelegateToStranger = await Assert.ThrowsAsync<AccessDeniedException>(() =>
            grain.DelegateAsync(ProgramDelegations.Create(name, Stranger, DelegationAction.Grant, 2, DelegateKey)));
        Assert.Contains($"'{name}' belongs to {Owner}; only its owner delegates it, and this statement is signed by {Delegate}", byDelegateToStranger.Message, StringComparison.Ordinal);

        var revoked = await grain.DelegateAsync(ProgramDelegations.Create(name, Delegate.ToLowerInvariant(), DelegationAction.Revoke, 2, OwnerKey));
        Assert.Empty(revoked.Delegates);
        var after = await Assert.ThrowsAsync<ProgramRejectedException>(() => CatalogKit.DeployAsync(fixture.Grains, name, "1.2.0", DelegateKey));
        Assert.Contains("is not a delegate of it", after.Message, StringComparison.Ordinal);

        // The old grant cannot be replayed after the revocation.
        var replay = await Assert.ThrowsAsync<ProgramRejectedException>(() =>
            grain.DelegateAsync(ProgramDelegations.Create(name, Delegate, DelegationAction.Grant, 1, OwnerKey)));
        Assert.StartsWith("nonce: 1 is not above 2", replay.Message, StringComparison.Ordinal);

        // What the delegate deployed stays; the owner still deploys.
        Assert.Equal(byDelegate.Id, (await ProgramReferences.ResolveAsync(fixture.Grains, name + "@1.1.0")).Id);
        await CatalogKit.DeployAsync(fixture.Grains, name, "2.0.0", OwnerKey);
        var info = (await grain.GetAsync())!;
        Assert.Equal((Owner, 3, "2.0.0", 2L), (info.Owner, info.VersionCount, info.LatestVersion, info.DelegationNonce));
    }

    [Fact]
    public async Task ForgedAndMalformedDelegationsAreRefusedWithTheirCodes()
    {
        var name = Unique("forge");
        var grain = fixture.Grains.GetGrain<IProgramNameGrain>(name);
        await CatalogKit.DeployAsync(fixture.Grains, name, "1.0.0", OwnerKey);
        var genuine = ProgramDelegations.Create(name, Delegate, DelegationAction.Grant, 5, OwnerKey);

        // A statement changed after signing, with the owner as the claimed signer: a signature error, like a deploy's.
        var changed = Copy(genuine, d => d.Delegate = Stranger);
        var e = await Assert.ThrowsAsync<ProgramRejectedException>(() => grain.DelegateAsync(changed));
        Assert.StartsWith($"signature: recovers 0x", e.Message, StringComparison.Ordinal);
        Assert.Contains($"not the claimed signer {Owner}", e.Message, StringComparison.Ordinal);
        Assert.Equal(ProgramRejectedException.ErrorCode, e.Code);

        // The same without a claimed signer recovers some other key, which does not own the name.
        var unclaimed = Copy(changed, d => d.Signer = null);
        Assert.Equal(AccessDeniedException.ErrorCode, (await Assert.ThrowsAsync<AccessDeniedException>(() => grain.DelegateAsync(unclaimed))).Code);

        // A signature over another nonce or action does not carry over.
        await Assert.ThrowsAsync<ProgramRejectedException>(() => grain.DelegateAsync(Copy(genuine, d => d.Nonce = 6)));
        await Assert.ThrowsAsync<ProgramRejectedException>(() => grain.DelegateAsync(Copy(genuine, d => d.Action = DelegationAction.Revoke)));

        // Broken signatures.
        Assert.StartsWith("signature: expected 65 bytes", (await Assert.ThrowsAsync<ProgramRejectedException>(() => grain.DelegateAsync(Copy(genuine, d => d.Signature = d.Signature[..64])))).Message, StringComparison.Ordinal);
        var flipped = Copy(genuine, d => d.Signature[64] = 9);
        Assert.StartsWith("signature: ", (await Assert.ThrowsAsync<ProgramRejectedException>(() => grain.DelegateAsync(flipped))).Message, StringComparison.Ordinal);

        // Malformed fields are invalid requests naming the field; an unknown name is not found.
        Assert.StartsWith("delegate: ", (await Assert.ThrowsAsync<InvalidRequestException>(() => grain.DelegateAsync(Copy(genuine, d => d.Delegate = "0x1234")))).Message, StringComparison.Ordinal);
        Assert.StartsWith("nonce: ", (await Assert.ThrowsAsync<InvalidRequestException>(() => grain.DelegateAsync(Copy(genuine, d => d.Nonce = 0)))).Message, StringComparison.Ordinal);
        Assert.StartsWith("name: ", (await Assert.ThrowsAsync<InvalidRequestException>(() => grain.DelegateAsync(Copy(genuine, d => d.Name = "other")))).Message, StringComparison.Ordinal);
        var toOwner = ProgramDelegations.Create(name, Owner, DelegationAction.Grant, 7, OwnerKey);
        Assert.StartsWith("delegate: ", (await Assert.ThrowsAsync<InvalidRequestException>(() => grain.DelegateAsync(toOwner))).Message, StringComparison.Ordinal);
        var nowhere = Unique("nowhere");
        await Assert.ThrowsAsync<ProgramNotFoundException>(() =>
            fixture.Grains.GetGrain<IProgramNameGrain>(nowhere).DelegateAsync(ProgramDelegations.Create(nowhere, Delegate, DelegationAction.Grant, 1, OwnerKey)));

        // Nothing of the above changed the name; the genuine statement still applies, in any letter case of the name.
        Assert.Empty((await grain.GetAsync())!.Delegates);
        var upper = ProgramDelegations.Create(name.ToUpperInvariant(), Delegate, DelegationAction.Grant, 5, OwnerKey);
        Assert.Equal([Delegate], (await grain.DelegateAsync(upper)).Delegates);
    }

    [Fact]
    public async Task ANameHoldsAtMost64Delegates()
    {
        var name = Unique("many");
        var grain = fixture.Grains.GetGrain<IProgramNameGrain>(name);
        await CatalogKit.DeployAsync(fixture.Grains, name, "1.0.0", OwnerKey);
        for (var i = 1; i <= ProgramDelegations.MaxDelegates; i++)
        {
            await grain.DelegateAsync(ProgramDelegations.Create(name, AddressNumber(i), DelegationAction.Grant, i, OwnerKey));
        }

        var full = await Assert.ThrowsAsync<ProgramRejectedException>(() =>
            grain.DelegateAsync(ProgramDelegations.Create(name, AddressNumber(100), DelegationAction.Grant, 100, OwnerKey)));
        Assert.StartsWith("delegates: ", full.Message, StringComparison.Ordinal);
        await grain.DelegateAsync(ProgramDelegations.Create(name, AddressNumber(1), DelegationAction.Revoke, 101, OwnerKey));
        Assert.Equal(ProgramDelegations.MaxDelegates, (await grain.DelegateAsync(ProgramDelegations.Create(name, AddressNumber(100), DelegationAction.Grant, 102, OwnerKey))).Delegates.Count);
    }

    [Fact]
    public void TheDigestIsTheDocumentedEncoding()
    {
        // grains/Programs/README.md: Keccak-256 of [u32 BE length][UTF-8] of the domain, the lowercase name, the
        // delegate as 0x + 40 lowercase hex and the action, then the nonce as i64 BE.
        var expected = new List<byte>();
        foreach (var part in new[] { "marketplace.program-delegation.v1", "echo", Delegate.ToLowerInvariant(), "revoke" })
        {
            var bytes = Encoding.UTF8.GetBytes(part);
            expected.AddRange(BigEndian(bytes.Length));
            expected.AddRange(bytes);
        }

        var nonce = new byte[8];
        BinaryPrimitives.WriteInt64BigEndian(nonce, 42);
        expected.AddRange(nonce);
        Assert.Equal(Keccak256.Hash(expected.ToArray()), ProgramDelegations.ComputeDigest("Echo", Delegate, DelegationAction.Revoke, 42));
        Assert.Equal(Owner, ProgramDelegations.RecoverSigner(ProgramDelegations.Create("echo", Delegate, DelegationAction.Revoke, 42, OwnerKey)));
    }

    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)];

    private static string AddressNumber(int i) => "0x" + i.ToString("x40", System.Globalization.CultureInfo.InvariantCulture);

    private static byte[] BigEndian(int value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(bytes, value);
        return bytes;
    }

    private static ProgramDelegation Copy(ProgramDelegation d, Action<ProgramDelegation> change)
    {
        var copy = new ProgramDelegation
        {
            Name = d.Name,
            Delegate = d.Delegate,
            Action = d.Action,
            Nonce = d.Nonce,
            Signature = [.. d.Signature],
            Signer = d.Signer,
        };
        change(copy);
        return copy;
    }
}
