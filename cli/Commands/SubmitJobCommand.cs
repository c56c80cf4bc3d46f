using System.CommandLine;
using System.Text;
using Marketplace.Cli.Output;
using Marketplace.Cli.Parsing;
using Marketplace.GrainInterfaces;
using Marketplace.Sdk;

namespace Marketplace.Cli.Commands;

/// <summary><c>submit-job --program P [input] [limits] [--arg A]... [--env K=V]... [--wait]</c>: submits a job (a
/// WASI program gets the arguments and environment); inputs above the inline limit
/// are uploaded as a blob first. With <c>--wait</c> it polls until the job ends and exits 7 unless it completed.</summary>
internal static class SubmitJobCommand
{
    /// <summary>Default of <c>--wait-timeout</c>.</summary>
    public const string DefaultWaitTimeout = "5m";

    public static Command Create(CliContext context)
    {
        var program = new Option<string>("--program", "-p") { Description = "Program id, name@version, name@latest or name.", Required = true };
        var input = new Option<string?>("--input", "-i") { Description = "Input file (uploaded as a blob when above 1 MiB)." };
        var inputText = new Option<string?>("--input-text") { Description = "Input given as text (UTF-8)." };
        var inputBlob = new Option<string?>("--input-blob") { Description = "Input: an existing blob id." };
        var fuel = new Option<long?>("--fuel") { Description = "Fuel budget (default: the program's)." };
        var memory = new Option<string?>("--memory") { Description = "Memory limit (default: the program's)." };
        var maxPrice = new Option<long?>("--max-price") { Description = "Highest price per million fuel (default: any)." };
        var timeout = new Option<string?>("--timeout") { Description = "Wall-clock limit of one attempt (ms, 30s, ...; default: the program's)." };
        var retries = new Option<int?>("--retries") { Description = "Retries after a failed attempt (default 3)." };
        var ttl = new Option<string?>("--ttl") { Description = "Expire if not started within this time (ms, 30s, 5m, ...)." };
        var requestId = new Option<string?>("--request-id") { Description = "Idempotency key: the same id returns the same job." };
        var labels = new Option<string[]>("--label") { Description = "key=value label recorded with the job (repeatable)." };
        var constraints = new Option<string[]>("--constraint") { Description = "key=value worker label the job requires (repeatable)." };
        var args = new Option<string[]>("--arg") { Description = "Argument of a WASI program, argv[1..] in order (repeatable; --arg=-x for one starting with '-')." };
        var env = new Option<string[]>("--env") { Description = "KEY=VALUE environment entry of a WASI program (repeatable)." };
        var wait = new Option<bool>("--wait", "-w") { Description = "Wait until the job ends; exit 7 unless it completed." };
        var waitTimeout = new Option<string>("--wait-timeout") { Description = "How long --wait waits (exit 8 after it).", DefaultValueFactory = _ => DefaultWaitTimeout };
        var command = new Command("submit-job", "Submit a job.")
        {
            program, input, inputText, inputBlob, fuel, memory, maxPrice, timeout, retries, ttl, requestId, labels, constraints, args, env, wait, waitTimeout,
        };
        context.SetAction(command, async run =>
        {
            var submission = new JobSubmission
            {
                Program = run.Get(program)!,
                RequestId = run.Get(requestId),
                MaxFuel = Positive("--fuel", run.Get(fuel)),
                MaxPricePerMillionFuel = Positive("--max-price", run.Get(maxPrice)),
                MaxMemoryBytes = run.Get(memory) is { } m ? ValueText.Bytes("--memory", m) : 0,
                TimeoutMs = run.Get(timeout) is { } t ? ValueText.DurationMs("--timeout", t) : 0,
                TtlMs = run.Get(ttl) is { } l ? ValueText.DurationMs("--ttl", l) : 0,
                Labels = ValueText.Pairs("--label", run.Get(labels)),
                Constraints = ValueText.Pairs("--constraint", run.Get(constraints)),
                Args = [.. run.Get(args) ?? []],
                Env = ValueText.Pairs("--env", run.Get(env)),
            };
            if (run.Get(retries) is { } r)
            {
                submission.MaxRetries = r >= 0 ? r : throw CliException.Usage($"--retries: {r} is negative.");
            }

            var waitMs = run.Get(wait) ? ValueText.DurationMs("--wait-timeout", run.Get(waitTimeout)!) : 0;
            var inputs = (run.Get(input) is null ? 0 : 1) + (run.Get(inputText) is null ? 0 : 1) + (run.Get(inputBlob) is null ? 0 : 1);
            if (inputs > 1)
            {
                throw CliException.Usage("give at most one of --input, --input-text and --input-blob.");
            }

            string? inputPath = run.Get(input) is { } i ? LocalFiles.Existing("--input", i) : null;
            var client = await run.ClientAsync().ConfigureAwait(false);
            if (inputPath is not null)
            {
                await SetFileInputAsync(run, client, submission, inputPath).ConfigureAwait(false);
            }
            else if (run.Get(inputBlob) is { } blob)
            {
                submission.InputBlobId = blob;
            }
            else
            {
                submission.InputInline = Encoding.UTF8.GetBytes(run.Get(inputText) ?? "");
            }

            var job = await client.SubmitJobAsync(submission, run.CancellationToken).ConfigureAwait(false);
            if (waitMs > 0)
            {
                job = await client.WaitForJobAsync(job.JobId, TimeSpan.FromMilliseconds(waitMs), run.CancellationToken).ConfigureAwait(false);
                JobView.Show(run, job);
                if (job.Status != JobStatus.Completed)
                {
                    await run.Environment.Error.WriteLineAsync($"error job_{job.Status.ToWireName()}: job {job.JobId} ended {job.Status.ToWireName()}"
                        + (job.ErrorMessage is null ? "." : $": {job.ErrorMessage}")).ConfigureAwait(false);
                    return ExitCodes.JobUnsuccessful;
                }

                return ExitCodes.Ok;
            }

            JobView.Show(run, job);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static async Task SetFileInputAsync(VerbRun run, IMarketplaceClient client, JobSubmission submission, string path)
    {
        var size = new FileInfo(path).Length;
        if (size <= JobLimits.MaxInlineInputBytes)
        {
            submission.InputInline = await File.ReadAllBytesAsync(path, run.CancellationToken).ConfigureAwait(false);
            return;
        }

        var stream = LocalFiles.OpenRead(path);
        await using (stream.ConfigureAwait(false))
        {
            var blob = await TransferProgress.RunAsync(run, "upload input " + Path.GetFileName(path), size, show: true,
                progress => client.UploadBlobAsync(stream, LocalFiles.MediaTypeOf(path), progress, run.CancellationToken)).ConfigureAwait(false);
            submission.InputBlobId = blob.Id;
        }
    }

    private static long Positive(string option, long? value) => value switch
    {
        null => 0,
        > 0 => value.Value,
        _ => throw CliException.Usage($"{option}: {value} is not positive."),
    };
}
