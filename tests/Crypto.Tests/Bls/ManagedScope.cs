using Marketplace.Crypto.Bls.Kernels;

namespace Marketplace.Crypto.Tests.Bls;

/// <summary>Switches the process to the managed field code for its lifetime (tests in the backend collection only).</summary>
internal sealed class ManagedScope : IDisposable
{
    private readonly bool _previous = FieldKernels.Enabled;

    public ManagedScope()
    {
        FieldKernels.Enabled = false;
    }

    public void Dispose() => FieldKernels.Enabled = _previous;
}
