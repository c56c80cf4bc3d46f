namespace Marketplace.TestSupport;

/// <summary>
/// Decides whether a test that needs an outside service (PostgreSQL, anvil, chromium) runs.
/// </summary>
/// <remarks>
/// Run by hand without the service, such tests are skipped with a loud reason naming what to start.
/// Under <c>CI=true</c> they are never skipped: the test runs and fails if the service is missing.
/// </remarks>
public static class ExternalService
{
    /// <summary>True when running under CI (<c>CI=true</c>), where missing services are failures.</summary>
    public static bool IsCi =>
        string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Returns a skip reason when <paramref name="variable"/> is unset and not under CI; otherwise null (run the test).
    /// </summary>
    public static string? SkipReasonUnlessConfigured(string variable, string howToStart)
    {
        if (IsCi || !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(variable)))
        {
            return null;
        }

        return $"!!! SKIPPED: {variable} is not set. {howToStart} (under CI=true this test fails instead) !!!";
    }

    /// <summary>Reads <paramref name="variable"/> or throws a clear error naming it (used under CI).</summary>
    public static string Require(string variable) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"Environment variable {variable} is required for this test but is not set.");
}
