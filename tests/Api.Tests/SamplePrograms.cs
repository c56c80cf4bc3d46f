using Marketplace.GrainInterfaces;

namespace Marketplace.Api.Tests;

/// <summary>The repository's sample programs, signed with a fixed test deployer key.</summary>
public static class SamplePrograms
{
    /// <summary>A fixed secp256k1 private key for test deployments.</summary>
    public static byte[] DeployerKey { get; } = Convert.FromHexString("4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318");

    /// <summary>The bytes of <c>programs/echo/echo.wasm</c> (ONVM's echo: upper-cases its input).</summary>
    public static byte[] EchoWasm => File.ReadAllBytes(Path.Combine(RepositoryRoot, "programs", "echo", "echo.wasm"));

    /// <summary>The bytes of <c>programs/kvstore/kvstore.wasm</c> (ONVM's key-value store).</summary>
    public static byte[] KvStoreWasm => File.ReadAllBytes(Path.Combine(RepositoryRoot, "programs", "kvstore", "kvstore.wasm"));

    /// <summary>The bytes of <c>programs/wordcount/wordcount.wasm</c> (a WASI command counting its stdin's words).</summary>
    public static byte[] WordcountWasm => File.ReadAllBytes(Path.Combine(RepositoryRoot, "programs", "wordcount", "wordcount.wasm"));

    /// <summary>A signed deployment of <paramref name="wasm"/> (default: the echo sample) under
    /// <paramref name="name"/>@<paramref name="version"/>, with a fresh random salt unless one is given (the program
    /// id is SHA-256(wasm ‖ salt), so each test gets its own id).</summary>
    public static ProgramDeployment Echo(string name, string version = "1.0.0", string? salt = null, byte[]? wasm = null)
    {
        var manifest = new ProgramManifest { Name = name, Version = version, Salt = salt ?? Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()) };
        return ProgramDeployments.Create(wasm ?? EchoWasm, manifest, DeployerKey);
    }

    /// <summary>The program id of <paramref name="deployment"/> as the programs part computes it.</summary>
    public static string ProgramIdOf(ProgramDeployment deployment) =>
        ProgramDeployments.ComputeProgramId(deployment.Wasm, deployment.Manifest.Salt);

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
