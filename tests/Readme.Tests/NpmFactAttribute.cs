using Marketplace.TestSupport;
using Xunit;

namespace Marketplace.Readme.Tests;

/// <summary>
/// A test of a block that installs the contracts' toolchain with <c>npm ci</c> (anvil among it): skipped loudly by
/// hand when <c>npm</c> is not on the PATH, never skipped under <c>CI=true</c>, where a missing npm fails the test.
/// </summary>
public sealed class NpmFactAttribute : FactAttribute
{
    /// <summary>Creates the attribute.</summary>
    public NpmFactAttribute()
    {
        if (!ExternalService.IsCi && !IsOnPath("npm"))
        {
            Skip = "!!! SKIPPED: npm is not on the PATH. Install Node.js (npm) to run the README's chain quick start "
                + "(under CI=true this test fails instead) !!!";
        }
    }

    private static bool IsOnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Any(folder => File.Exists(Path.Combine(folder, program)));
}
