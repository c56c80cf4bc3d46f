using Marketplace.Grains.Execution;

namespace Marketplace.Grains.Workers.TestHooks;

/// <summary>
/// Lets a test make a worker lie about its runs: the executor passes every run's result through it before it builds
/// the receipt, so a changed output is signed as if the program had produced it. Never registered by the marketplace;
/// a test silo registers an implementation (<c>services.AddSingleton&lt;IRunResultTampering, ...&gt;()</c>).
/// </summary>
internal interface IRunResultTampering
{
    /// <summary>The result <paramref name="workerId"/> reports for a run of <paramref name="jobId"/> that produced
    /// <paramref name="result"/>; may hold the run back (a silent worker) without blocking a thread.</summary>
    ValueTask<ProgramRunResult> TamperAsync(string workerId, string jobId, ProgramRunResult result);

    /// <summary>The agreement signature <paramref name="workerId"/> sends for job <paramref name="jobId"/> in place of
    /// <paramref name="signature"/>, its real signature over <paramref name="receiptHash"/>.</summary>
    byte[] TamperAgreement(string workerId, string jobId, byte[] receiptHash, byte[] signature);
}
