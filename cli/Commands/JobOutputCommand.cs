using System.CommandLine;
using Marketplace.Cli.Output;
using Marketplace.Cli.Parsing;
using Marketplace.GrainInterfaces;
using Marketplace.Sdk;

namespace Marketplace.Cli.Commands;

/// <summary><c>job-output --id J [--out F] [--wait]</c>: a completed job's output, to a file or stdout (verified like
/// any blob download). With <c>--wait</c> it first waits until the job ends, and exits 7 unless it completed.</summary>
internal static class JobOutputCommand
{
    public static Command Create(CliContext context)
    {
        var id = IdOption.Job();
        var output = new Option<string?>("--out", "-o") { Description = "Write to this file (default or '-': stdout)." };
        var wait = new Option<bool>("--wait", "-w") { Description = "Wait until the job ends first; exit 7 unless it completed." };
        var waitTimeout = new Option<string>("--wait-timeout") { Description = "How long --wait waits (exit 8 after it).", DefaultValueFactory = _ => SubmitJobCommand.DefaultWaitTimeout };
        var command = new Command("job-output", "Write a completed job's output to a file or stdout.") { id, output, wait, waitTimeout };
        context.SetAction(command, async run =>
        {
            var jobId = run.Get(id)!;
            var outPath = run.Get(output);
            var waitMs = run.Get(wait) ? ValueText.DurationMs("--wait-timeout", run.Get(waitTimeout)!) : 0;
            var client = await run.ClientAsync().ConfigureAwait(false);
            if (waitMs > 0)
            {
                var ended = await client.WaitForJobAsync(jobId, TimeSpan.FromMilliseconds(waitMs), run.CancellationToken).ConfigureAwait(false);
                if (ended.Status != JobStatus.Completed)
                {
                    await run.Environment.Error.WriteLineAsync($"error job_{ended.Status.ToWireName()}: job {ended.JobId} ended {ended.Status.ToWireName()}"
                        + (ended.ErrorMessage is null ? "." : $": {ended.ErrorMessage}")).ConfigureAwait(false);
                    return ExitCodes.JobUnsuccessful;
                }
            }

            if (LocalFiles.IsStandardOutput(outPath))
            {
                var stdout = run.Environment.OpenStandardOutput();
                await using (stdout.ConfigureAwait(false))
                {
                    await client.GetJobOutputAsync(jobId, stdout, null, run.CancellationToken).ConfigureAwait(false);
                }

                return ExitCodes.Ok;
            }

            var job = await LocalFiles.WriteAtomicallyAsync(outPath!, file => client.GetJobOutputAsync(jobId, file, null, run.CancellationToken)).ConfigureAwait(false);
            if (run.Json)
            {
                JsonOutput.Write(run.Environment.Output, new { job_id = job.JobId, output_blob_id = job.OutputBlobId, bytes = job.OutputSize, file = Path.GetFullPath(outPath!) });
            }
            else
            {
                run.Environment.Output.WriteLine($"wrote {Text.Number(job.OutputSize)} bytes of {job.JobId}'s output to {outPath}");
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
