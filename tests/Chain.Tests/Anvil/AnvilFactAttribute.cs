using Marketplace.TestSupport;
using Xunit;

namespace Marketplace.Chain.Tests.Anvil;

/// <summary>
/// A fact that needs a real anvil binary: <c>MARKETPLACE_ANVIL</c>, else
/// <c>contracts/node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil</c> under the repository. Skipped loudly when
/// absent and run by hand; under <c>CI=true</c> it runs and fails.
/// </summary>
public sealed class AnvilFactAttribute : FactAttribute
{
    /// <summary>Creates the attribute; sets <see cref="FactAttribute.Skip"/> when anvil is missing outside CI.</summary>
    public AnvilFactAttribute()
    {
        if (!ExternalService.IsCi && AnvilLocator.Find() is null)
        {
            Skip = $"!!! SKIPPED: anvil not found ({AnvilLocator.Describe()}). Set {AnvilLocator.Variable} to the anvil binary " +
                "(npm package @foundry-rs/anvil-linux-amd64) (under CI=true this test fails instead) !!!";
        }
    }
}

/// <summary>Where the anvil binary is looked for.</summary>
internal static class AnvilLocator
{
    public const string Variable = "MARKETPLACE_ANVIL";

    private static string DefaultPath =>
        Path.Combine(SharedData.RepositoryRoot, "contracts", "node_modules", "@foundry-rs", "anvil-linux-amd64", "bin", "anvil");

    /// <summary>The binary path, or null when neither the variable nor the default path names an existing file.</summary>
    public static string? Find()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable(Variable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            return File.Exists(fromEnvironment) ? fromEnvironment : null;
        }

        return File.Exists(DefaultPath) ? DefaultPath : null;
    }

    public static string Describe() =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value
            ? $"{Variable}={value} does not exist"
            : $"{Variable} is unset and {DefaultPath} does not exist";
}
