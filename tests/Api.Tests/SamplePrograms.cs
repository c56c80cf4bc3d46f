using System.Reflection;
using Marketplace.GrainInterfaces;

namespace Marketplace.Api.Tests;

/// <summary>The repository's sample programs, signed with a fixed test deployer key.</summary>
/// <remarks>
/// Signing lives in the programs part (<c>ProgramDeployments</c> in grain-interfaces/Programs), which reaches main
/// separately from the API; it is bound by name here so these tests compile before it lands and run once it has
/// (<see cref="EndToEndFactAttribute"/> skips them until then). Once it is in main this can call it directly.
/// </remarks>
public static class SamplePrograms
{
    private const string DeploymentsTypeName = "Marketplace.GrainInterfaces.ProgramDeployments";

    /// <summary>A fixed secp256k1 private key for test deployments.</summary>
    public static byte[] DeployerKey { get; } = Convert.FromHexString("4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318");

    /// <summary>The signing helper of the programs part, or null before it has landed.</summary>
    public static Type? Deployments { get; } = typeof(ProgramDeployment).Assembly.GetType(DeploymentsTypeName);

    /// <summary>The bytes of <c>programs/echo/echo.wasm</c> (ONVM's echo: upper-cases its input), or null when the
    /// sample is not in the checkout.</summary>
    public static byte[]? EchoWasm
    {
        get
        {
            var path = Path.Combine(RepositoryRoot, "programs", "echo", "echo.wasm");
            return File.Exists(path) ? File.ReadAllBytes(path) : null;
        }
    }

    /// <summary>A signed deployment of <paramref name="wasm"/> (default: the echo sample) under
    /// <paramref name="name"/>@<paramref name="version"/>, with a fresh random salt unless one is given (the program
    /// id is SHA-256(wasm ‖ salt), so each test gets its own id).</summary>
    public static ProgramDeployment Echo(string name, string version = "1.0.0", string? salt = null, byte[]? wasm = null)
    {
        var manifest = new ProgramManifest { Name = name, Version = version, Salt = salt ?? Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()) };
        var create = Deployments?.GetMethod("Create", [typeof(byte[]), typeof(ProgramManifest), typeof(ReadOnlySpan<byte>)])
            ?? throw new InvalidOperationException($"{DeploymentsTypeName}.Create is not available.");
        var module = wasm ?? EchoWasm ?? throw new InvalidOperationException("programs/echo/echo.wasm is missing.");
        // ReadOnlySpan<byte> cannot be boxed: bind the method to a delegate of the exact signature.
        var sign = create.CreateDelegate<Func<byte[], ProgramManifest, ReadOnlySpan<byte>, ProgramDeployment>>();
        return sign(module, manifest, DeployerKey);
    }

    /// <summary>The program id of <paramref name="deployment"/> as the programs part computes it.</summary>
    public static string ProgramIdOf(ProgramDeployment deployment)
    {
        var compute = Deployments?.GetMethod("ComputeProgramId", [typeof(ReadOnlySpan<byte>), typeof(string)])
            ?? throw new InvalidOperationException($"{DeploymentsTypeName}.ComputeProgramId is not available.");
        return compute.CreateDelegate<Func<ReadOnlySpan<byte>, string, string>>()(deployment.Wasm, deployment.Manifest.Salt);
    }

    /// <summary>Why the end-to-end tests cannot run yet, or null.</summary>
    public static string? MissingReason =>
        Deployments is null ? $"{DeploymentsTypeName} (program signing)"
        : EchoWasm is null ? "programs/echo/echo.wasm"
        : null;

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

/// <summary>A fact that needs the whole marketplace (blobs, programs with signing, jobs, workers, the echo sample);
/// skipped loudly, naming what is missing, until every part has landed.</summary>
public sealed class EndToEndFactAttribute : Xunit.FactAttribute
{
    public EndToEndFactAttribute()
    {
        Skip = GrainAvailability.SkipReason([typeof(IProgramGrain), typeof(IProgramCatalogGrain), typeof(IJobGrain), typeof(IClientJobsGrain), typeof(IWorkerDirectoryGrain), typeof(IBlobGrain)])
            ?? (SamplePrograms.MissingReason is { } missing ? $"!!! SKIPPED: {missing} has not landed yet (merge main) !!!" : null);
    }
}
