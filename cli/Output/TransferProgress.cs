namespace Marketplace.Cli.Output;

/// <summary>Runs a transfer under a progress line on stderr (<see cref="ProgressRenderer"/>): only when stderr is a
/// terminal, and never with <c>--json</c>, <c>--quiet</c> or when asked for none.</summary>
internal static class TransferProgress
{
    public static async Task<T> RunAsync<T>(VerbRun run, string description, long? total, bool show, Func<IProgress<long>?, Task<T>> transfer)
    {
        if (!show || run.Json || run.Quiet || !run.Environment.ErrorIsTerminal)
        {
            return await transfer(null).ConfigureAwait(false);
        }

        var renderer = new ProgressRenderer(run.Environment.Error, run.Environment.Clock, description, total);
        var result = await transfer(renderer).ConfigureAwait(false);
        renderer.Complete();
        return result;
    }
}
