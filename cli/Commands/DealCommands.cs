// Design: the storage market's verbs. `store` streams a file as one deal (a progress line covers the bytes sent; the
// deal answers once every fragment is stored), or stores a blob or a job's output from inside the cluster, `retrieve` streams a stored blob (or a range) through a .partial file,
// `deal-status` shows fragment health, `deals` lists the newest deals, `audit-deal` runs an audit round now.
using System.CommandLine;
using Marketplace.Cli.Output;
using Marketplace.Cli.Parsing;
using Marketplace.GrainInterfaces;

namespace Marketplace.Cli.Commands;

/// <summary><c>store</c>, <c>deals</c>, <c>deal-status</c>, <c>retrieve</c>, <c>audit-deal</c>.</summary>
internal static class DealCommands
{
    public static IEnumerable<Command> Create(CliContext context) =>
        [Store(context), List(context), Status(context), Retrieve(context), Audit(context), Delete(context)];

    private static Option<string> DealId() => new("--id", "--deal-id") { Description = "The deal id.", Required = true };

    private static Command Store(CliContext context)
    {
        var file = new Option<string?>("--file", "-f") { Description = "The file to store." };
        var blob = new Option<string?>("--blob") { Description = "Instead of a file: a blob you may read, stored from inside the cluster." };
        var jobOutput = new Option<string?>("--job-output") { Description = "Instead of a file: the output blob of one of your jobs." };
        var preset = new Option<string?>("--preset") { Description = "Durability preset: dev (4+2, default), standard (10+4), archive (16+8)." };
        var k = new Option<int?>("--k") { Description = "Data fragments (any k rebuild the blob); with --m instead of a preset." };
        var m = new Option<int?>("--m") { Description = "Parity fragments (how many may be lost)." };
        var maxPrice = new Option<long?>("--max-price") { Description = "The highest price per GiB-month to accept, in the ledger's smallest unit." };
        var dealId = new Option<string?>("--deal-id") { Description = "Your id for the deal (makes a repeat safe)." };
        var durationDays = new Option<int?>("--duration-days") { Description = "How long the providers keep it, in days (1-3650, default 30); then it is deleted." };
        var noProgress = new Option<bool>("--no-progress") { Description = "Do not draw a progress line." };
        var command = new Command("store", "Store a file, a blob or a job's output with storage providers, erasure-coded.") { file, blob, jobOutput, preset, k, m, maxPrice, dealId, durationDays, noProgress };
        context.SetAction(command, async run =>
        {
            var sources = (run.Get(file) is null ? 0 : 1) + (run.Get(blob) is null ? 0 : 1) + (run.Get(jobOutput) is null ? 0 : 1);
            if (sources != 1)
            {
                throw CliException.Usage("give exactly one of --file, --blob and --job-output.");
            }

            var policy = PolicyOf(run.Get(preset), run.Get(k), run.Get(m));
            var client = await run.ClientAsync().ConfigureAwait(false);
            if (run.Get(file) is null)
            {
                var blobId = run.Get(blob) ?? await OutputBlobOfAsync(client, run.Get(jobOutput)!, run.CancellationToken).ConfigureAwait(false);
                DealView.Show(run, await client.StoreBlobAsync(blobId, policy, run.Get(maxPrice), run.Get(dealId), run.Get(durationDays), run.CancellationToken).ConfigureAwait(false));
                return ExitCodes.Ok;
            }

            var path = LocalFiles.Existing("--file", run.Get(file)!);
            var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan);
            DealStatus deal;
            await using (stream.ConfigureAwait(false))
            {
                deal = await TransferProgress.RunAsync(run, "store " + Path.GetFileName(path), stream.Length, !run.Get(noProgress),
                    progress => client.StoreAsync(stream, policy, run.Get(maxPrice), run.Get(dealId), run.Get(durationDays), progress, run.CancellationToken)).ConfigureAwait(false);
            }

            DealView.Show(run, deal);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static async Task<string> OutputBlobOfAsync(Sdk.IMarketplaceClient client, string jobId, CancellationToken cancellationToken)
    {
        var job = await client.GetJobAsync(jobId, cancellationToken).ConfigureAwait(false);
        return job.OutputBlobId
            ?? throw new CliException("no_output", ExitCodes.NotFound, $"job {jobId} has no output blob (status {job.Status}; an output carried inline or none at all cannot be stored this way).");
    }

    private static Command List(CliContext context)
    {
        var limit = new Option<int>("--limit") { Description = "How many (1-100).", DefaultValueFactory = _ => 20 };
        var command = new Command("deals", "List your newest storage deals.") { limit };
        context.SetAction(command, async run =>
        {
            var client = await run.ClientAsync().ConfigureAwait(false);
            DealView.List(run, await client.ListDealsAsync(run.Get(limit), run.CancellationToken).ConfigureAwait(false));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Status(CliContext context)
    {
        var id = DealId();
        var command = new Command("deal-status", "Show a storage deal: state, history and each fragment's health.") { id };
        context.SetAction(command, async run =>
        {
            var client = await run.ClientAsync().ConfigureAwait(false);
            DealView.Show(run, await client.GetDealAsync(run.Get(id)!, run.CancellationToken).ConfigureAwait(false));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Delete(CliContext context)
    {
        var id = DealId();
        var command = new Command("delete-deal", "End a storage deal now: periods begun settled, every fragment deleted.") { id };
        context.SetAction(command, async run =>
        {
            var client = await run.ClientAsync().ConfigureAwait(false);
            DealView.Show(run, await client.DeleteDealAsync(run.Get(id)!, run.CancellationToken).ConfigureAwait(false));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Audit(CliContext context)
    {
        var id = DealId();
        var command = new Command("audit-deal", "Audit a storage deal now (and repair it when due).") { id };
        context.SetAction(command, async run =>
        {
            var client = await run.ClientAsync().ConfigureAwait(false);
            DealView.Show(run, await client.AuditDealAsync(run.Get(id)!, run.CancellationToken).ConfigureAwait(false));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Retrieve(CliContext context)
    {
        var id = DealId();
        var output = new Option<string?>("--out", "-o") { Description = "Write to this file (default or '-': stdout)." };
        var offset = new Option<string?>("--offset") { Description = "First byte of a range (bytes, or 4KiB, 1MiB, ...)." };
        var length = new Option<string?>("--length") { Description = "Length of a range (default: to the end)." };
        var noProgress = new Option<bool>("--no-progress") { Description = "Do not draw a progress line." };
        var command = new Command("retrieve", "Read a stored blob back (or a range), rebuilt from the first fragments that verify.") { id, output, offset, length, noProgress };
        context.SetAction(command, async run =>
        {
            var from = run.Get(offset) is { } o ? ValueText.Bytes("--offset", o) : 0;
            long? count = run.Get(length) is { } l ? ValueText.Bytes("--length", l) : null;
            var client = await run.ClientAsync().ConfigureAwait(false);
            var dealId = run.Get(id)!;
            var outPath = run.Get(output);
            if (LocalFiles.IsStandardOutput(outPath))
            {
                var stdout = run.Environment.OpenStandardOutput();
                await using (stdout.ConfigureAwait(false))
                {
                    await client.RetrieveAsync(dealId, stdout, from, count, null, run.CancellationToken).ConfigureAwait(false);
                }

                return ExitCodes.Ok;
            }

            var total = count ?? (await client.GetDealAsync(dealId, run.CancellationToken).ConfigureAwait(false)).Length - from;
            long written = 0;
            await LocalFiles.WriteAtomicallyAsync(outPath!, async file =>
            {
                await TransferProgress.RunAsync(run, "retrieve " + Path.GetFileName(outPath!), total, !run.Get(noProgress), async progress =>
                {
                    await client.RetrieveAsync(dealId, file, from, count, progress, run.CancellationToken).ConfigureAwait(false);
                    return true;
                }).ConfigureAwait(false);
                written = file.Length;
                return true;
            }).ConfigureAwait(false);
            run.Environment.Output.WriteLine($"wrote {Text.Number(written)} bytes of deal {dealId} to {outPath}");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static DurabilityPolicy? PolicyOf(string? preset, int? k, int? m)
    {
        if (preset is not null)
        {
            if (k is not null || m is not null)
            {
                throw CliException.Usage("--preset: give a preset or --k and --m, not both.");
            }

            return DurabilityPolicy.Preset(preset) ?? throw CliException.Usage($"--preset: '{preset}' is not one of dev, standard, archive.");
        }

        if (k is null && m is null)
        {
            return null;
        }

        if (k is null || m is null)
        {
            throw CliException.Usage("--k and --m go together.");
        }

        return new DurabilityPolicy { DataFragments = k.Value, ParityFragments = m.Value };
    }
}
