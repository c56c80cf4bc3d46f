using Marketplace.TestSupport;
using Xunit;

namespace Marketplace.Browser.Tests;

/// <summary>
/// A fact that needs Debian's Chromium (<see cref="ChromiumBrowser.ExecutablePath"/>, installed by
/// <c>apt-get install chromium</c>). Skipped loudly when it is missing and the tests run by hand; under <c>CI=true</c>
/// it runs and fails.
/// </summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    /// <summary>Creates the attribute; sets <see cref="FactAttribute.Skip"/> when Chromium is missing outside CI.</summary>
    public ChromiumFactAttribute()
    {
        if (!ExternalService.IsCi && !File.Exists(ChromiumBrowser.ExecutablePath))
        {
            Skip = $"!!! SKIPPED: Chromium not found at {ChromiumBrowser.ExecutablePath}. Install it with 'apt-get install chromium' "
                + $"or set {ChromiumBrowser.Variable} to a Chromium binary (under CI=true this test fails instead) !!!";
        }
    }
}
