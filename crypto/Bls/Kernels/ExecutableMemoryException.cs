namespace Marketplace.Crypto.Bls.Kernels;

/// <summary>
/// The OS would not provide executable memory for the field kernels. Internal: FieldKernels catches it, records the
/// reason in its status and runs the managed field code instead.
/// </summary>
internal sealed class ExecutableMemoryException(string message) : Exception(message);
