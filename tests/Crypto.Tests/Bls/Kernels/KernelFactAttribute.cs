using Marketplace.Crypto.Bls.Kernels;
using Marketplace.TestSupport;
using Xunit;

namespace Marketplace.Crypto.Tests.Bls.Kernels;

/// <summary>
/// A fact that needs the generated field kernels. Where they cannot load (no BMI2/ADX, not Linux) it is skipped with
/// the reason when run by hand; under CI=true it runs and fails, so a CI machine never silently tests only one path.
/// </summary>
public sealed class KernelFactAttribute : FactAttribute
{
    public KernelFactAttribute()
    {
        if (!FieldKernels.Available && !ExternalService.IsCi)
        {
            Skip = $"!!! SKIPPED: {FieldKernels.Status}; the kernel tests need x86-64 Linux with BMI2 and ADX (under CI=true they fail instead) !!!";
        }
    }
}
