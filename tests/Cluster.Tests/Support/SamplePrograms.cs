using System.Globalization;
using System.Text;
using Marketplace.GrainInterfaces;

namespace Marketplace.Cluster.Tests.Support;

/// <summary>The repository's sample programs, signed with a fixed test deployer key.</summary>
public static class SamplePrograms
{
    private static readonly byte[] DeployerKey = Convert.FromHexString("4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318");

    /// <summary>A signed deployment of <c>programs/job-test/job-test.wasm</c> under <paramref name="name"/>@1.0.0.</summary>
    public static ProgramDeployment JobTest(string name) => Deployment("job-test", name);

    /// <summary>Input of job-test's <c>hash</c> task: <paramref name="iterations"/> passes over <paramref name="data"/>
    /// (CPU work proportional to both, so a job runs long enough to be caught running).</summary>
    public static byte[] HashInput(int iterations, string data) =>
        Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{{\"task\":\"hash\",\"iterations\":{iterations},\"data\":\"{data}\"}}"));

    /// <summary>A signed deployment of the module at <paramref name="path"/> (relative to the repository root) under
    /// <paramref name="name"/>@1.0.0 with <paramref name="salt"/> (hex): the same arguments give the same deployment
    /// and so the same program id on every silo.</summary>
    public static ProgramDeployment FromFile(string path, string name, string salt)
    {
        var wasm = File.ReadAllBytes(Path.Combine(TestSupport.SharedData.RepositoryRoot, path));
        var manifest = new ProgramManifest { Name = name, Version = "1.0.0", Salt = salt };
        return ProgramDeployments.Create(wasm, manifest, DeployerKey);
    }

    /// <summary>The bytes of the file at <paramref name="path"/> relative to the repository root.</summary>
    public static byte[] Read(string path) => File.ReadAllBytes(Path.Combine(TestSupport.SharedData.RepositoryRoot, path));

    private static ProgramDeployment Deployment(string program, string name) =>
        FromFile($"programs/{program}/{program}.wasm", name, Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()));
}
