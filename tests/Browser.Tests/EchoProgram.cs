using Marketplace.GrainInterfaces;

namespace Marketplace.Browser.Tests;

/// <summary>The repository's echo sample (<c>programs/echo/echo.wasm</c>, upper-cases its input), signed with a fixed
/// test deployer key.</summary>
public static class EchoProgram
{
    private static readonly byte[] DeployerKey = Convert.FromHexString("4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318");

    /// <summary>A signed deployment of the echo sample as <paramref name="name"/>@1.0.0.</summary>
    public static ProgramDeployment Deployment(string name)
    {
        var wasm = File.ReadAllBytes(Path.Combine(RepositoryRoot, "programs", "echo", "echo.wasm"));
        var manifest = new ProgramManifest { Name = name, Version = "1.0.0", Salt = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()) };
        return ProgramDeployments.Create(wasm, manifest, DeployerKey);
    }

    private static string RepositoryRoot
    {
        get
        {
            for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
            {
                if (File.Exists(Path.Combine(folder.FullName, "Marketplace.sln")))
                {
                    return folder.FullName;
                }
            }

            throw new InvalidOperationException($"No Marketplace.sln above {AppContext.BaseDirectory}.");
        }
    }
}
