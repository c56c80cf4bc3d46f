using Marketplace.Grains.Execution;
using Marketplace.Grains.Workers.TestHooks;

namespace Marketplace.Grains.Tests.Jobs;

/// <summary>A run-result hook that holds the first run's result back on its worker (after the run, and after any state
/// commit it made) until disposed, and names that worker. Later runs pass through untouched.</summary>
internal sealed class HoldBackFirstRun : IRunResultTampering, IDisposable
{
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<string> _first = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes with the worker id of the first run once its result is held.</summary>
    public Task<string> FirstRun => _first.Task;

    public async ValueTask<ProgramRunResult> TamperAsync(string workerId, string jobId, ProgramRunResult result)
    {
        if (_first.TrySetResult(workerId))
        {
            await _release.Task;
        }

        return result;
    }

    public byte[] TamperAgreement(string workerId, string jobId, byte[] receiptHash, byte[] signature) => signature;

    /// <summary>Lets the held result go on.</summary>
    public void Dispose() => _release.TrySetResult();
}
