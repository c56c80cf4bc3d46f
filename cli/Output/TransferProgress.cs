using Spectre.Console;

namespace Marketplace.Cli.Output;

/// <summary>Runs a transfer under a progress bar on the status console (stderr); with <c>--json</c> or when asked
/// for none, it runs without one.</summary>
internal static class TransferProgress
{
    public static async Task<T> RunAsync<T>(VerbRun run, string description, long? total, bool show, Func<IProgress<long>?, Task<T>> transfer)
    {
        if (!show || run.Json)
        {
            return await transfer(null).ConfigureAwait(false);
        }

        return await run.Environment.StatusConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new DownloadedColumn(), new TransferSpeedColumn())
            .StartAsync(async ctx =>
            {
                var task = ctx.AddTask(Markup.Escape(description), maxValue: Math.Max(1, total ?? 1));
                task.IsIndeterminate = total is null;
                var result = await transfer(new TaskProgress(task, total is null)).ConfigureAwait(false);
                task.Value = task.MaxValue;
                task.StopTask();
                return result;
            }).ConfigureAwait(false);
    }

    private sealed class TaskProgress(ProgressTask task, bool growMax) : IProgress<long>
    {
        public void Report(long value)
        {
            if (growMax && value > task.MaxValue)
            {
                task.MaxValue = value;
            }

            task.Value = value;
        }
    }
}
