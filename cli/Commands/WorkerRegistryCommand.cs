using System.CommandLine;
using Marketplace.Cli.Output;
using Marketplace.GrainInterfaces;

namespace Marketplace.Cli.Commands;

/// <summary><c>workers registry [--out registry.json]</c>: the worker key registry (epoch, every worker's BLS key and
/// proof of possession) as the JSON file a receipt verifier reads, to a file or stdout.</summary>
internal static class WorkerRegistryCommand
{
    public static Command Create(CliContext context)
    {
        var output = new Option<string?>("--out", "-o") { Description = "Write the registry file here (default or '-': stdout)." };
        var command = new Command("registry", "Get the worker key registry: its epoch and every worker's BLS public key and proof of possession.") { output };
        context.SetAction(command, async run =>
        {
            var outPath = run.Get(output);
            var client = await run.ClientAsync().ConfigureAwait(false);
            var registry = await client.GetWorkerKeyRegistryAsync(run.CancellationToken).ConfigureAwait(false);
            var json = WorkerKeyRegistryJson.Serialize(registry);
            if (!await LocalFiles.WriteFileOrStandardOutputAsync(run, outPath, json).ConfigureAwait(false))
            {
                return ExitCodes.Ok;
            }

            if (run.Json)
            {
                JsonOutput.Write(run.Environment.Output, new { epoch = registry.Epoch, workers = registry.Workers.Count, file = Path.GetFullPath(outPath!) });
            }
            else
            {
                run.Environment.Output.WriteLine($"wrote the worker key registry at epoch {registry.Epoch} ({registry.Workers.Count} workers) to {outPath}");
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
