using Marketplace.GrainInterfaces;
using Xunit;

namespace Marketplace.Grains.Tests.Programs;

public sealed class ProgramDeploymentsTests
{
    private static readonly byte[] Wasm = [0, 0x61, 0x73, 0x6d, 1, 0, 0, 0];

    [Fact]
    public void EveryManifestFieldAndTheModuleChangeTheDigest()
    {
        static ProgramManifest M() => new()
        {
            Name = "n",
            Version = "1.0.0",
            Entrypoint = "onvm_main",
            MaxFuel = 1,
            MaxMemoryBytes = 2,
            TimeoutMs = 3,
            BlobRefs = ["b"],
            Salt = "00",
            Capabilities = ["time"],
        };
        var baseline = Convert.ToHexString(ProgramDeployments.ComputeDigest(Wasm, M()));
        Assert.Equal(baseline, Convert.ToHexString(ProgramDeployments.ComputeDigest(Wasm, M())));
        var variants = new List<Action<ProgramManifest>>
        {
            m => m.Name = "m", m => m.Version = "1.0.1", m => m.Entrypoint = "main", m => m.MaxFuel = 9,
            m => m.MaxMemoryBytes = 9, m => m.TimeoutMs = 9, m => m.BlobRefs = [], m => m.BlobRefs = ["b", ""],
            m => m.Salt = "01", m => m.Capabilities = [],
            // Shifting bytes between adjacent fields must not collide.
            m => { m.Name = "n1"; m.Version = ".0.0"; },
        };
        var seen = new HashSet<string> { baseline };
        foreach (var change in variants)
        {
            var m = M();
            change(m);
            Assert.True(seen.Add(Convert.ToHexString(ProgramDeployments.ComputeDigest(Wasm, m))));
        }

        Assert.True(seen.Add(Convert.ToHexString(ProgramDeployments.ComputeDigest([.. Wasm, 0], M()))));
    }

    [Fact]
    public void ProgramIdsAreShaOfModuleAndSaltAndParseInBothForms()
    {
        var id = ProgramDeployments.ComputeProgramId(Wasm, "ab");
        Assert.Equal("prog" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData([.. Wasm, 0xab])), id);
        Assert.NotEqual(id, ProgramDeployments.ComputeProgramId(Wasm, ""));
        Assert.Equal(id, ProgramDeployments.NormalizeProgramId(id.ToUpperInvariant()));
        Assert.Equal(id, ProgramDeployments.NormalizeProgramId(id[4..]));
        Assert.Null(ProgramDeployments.NormalizeProgramId("blob" + id[4..]));
        Assert.Null(ProgramDeployments.NormalizeProgramId(id + "0"));
        Assert.Null(ProgramDeployments.NormalizeProgramId("echo@1.0.0"));
        Assert.Throws<InvalidRequestException>(() => ProgramDeployments.ComputeProgramId(Wasm, "abc"));
    }

    [Fact]
    public void SignedDeploymentsRecoverTheSigner()
    {
        var manifest = new ProgramManifest { Name = "x", Version = "1.0.0" };
        var deployment = ProgramDeployments.Create(Wasm, manifest, ProgramsSiloFixture.DeployerKey);
        Assert.Equal(65, deployment.Signature.Length);
        Assert.Equal(deployment.Deployer, ProgramDeployments.RecoverDeployer(deployment));

        // Without a claimed deployer, a manifest changed after signing recovers some other address.
        var signer = deployment.Deployer;
        deployment.Deployer = null;
        manifest.Version = "2.0.0";
        Assert.NotEqual(signer, ProgramDeployments.RecoverDeployer(deployment));
    }

    [Fact]
    public void ABadSaltIsAnInvalidRequestThatDoesNotEchoHugeInput()
    {
        var odd = Assert.Throws<InvalidRequestException>(() => ProgramDeployments.ComputeProgramId([1, 2], "abc"));
        Assert.StartsWith("salt: expected up to 64 bytes as hex digits, got 'abc'", odd.Message, StringComparison.Ordinal);
        var huge = Assert.Throws<InvalidRequestException>(() => ProgramDeployments.ComputeProgramId([1, 2], new string('z', 100_000)));
        Assert.InRange(huge.Message.Length, 1, 300);
        Assert.Contains("(100000 characters)", huge.Message, StringComparison.Ordinal);
    }
}
