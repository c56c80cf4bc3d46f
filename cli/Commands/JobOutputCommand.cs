using System.CommandLine;
using Marketplace.Cli.Output;
using Marketplace.Sdk;

namespace Marketplace.Cli.Commands;

/// <summary><c>job-output --id J [--out F]</c>: a completed job's output, to a file or stdout (verified like any
/// blob download).</summary>
internal static class JobOutputCommand
{
    public static Command Create(CliContext context)
    {
        var id = IdOption.Job();
        var output = new Option<string?>("--out", "-o") { Description = "Write to this file (default or '-': stdout)." };
        var command = new Command("job-output", "Write a completed job's output to a file or stdout.") { id, output };
        context.SetAction(command, async run =>
        {
            var jobId = run.Get(id)!;
            var outPath = run.Get(output);
            var client = await run.ClientAsync().ConfigureAwait(false);
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
