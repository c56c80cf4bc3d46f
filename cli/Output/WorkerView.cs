using System.Globalization;
using Marketplace.GrainInterfaces;
using Marketplace.GrainInterfaces.Json;
using Spectre.Console;

namespace Marketplace.Cli.Output;

/// <summary>How workers are shown.</summary>
internal static class WorkerView
{
    public static void List(VerbRun run, Page<WorkerInfo> page)
    {
        var workers = page.Items;
        if (run.Json)
        {
            JsonOutput.Write(run.Environment.Output, new WorkerList { Workers = workers, NextCursor = page.NextCursor });
            return;
        }

        var table = new Table().AddColumns("WORKER", "ONLINE", "PRICE/MFUEL", "MAX FUEL", "MAX MEMORY", "RUNNING", "QUEUED", "CAPACITY", "REPUTATION", "DONE", "FAILED", "LABELS", "HEARTBEAT");
        foreach (var w in workers)
        {
            var c = w.Capabilities;
            table.AddRow(
                Text.Safe(w.WorkerId),
                w.Online ? "yes" : "no",
                Text.Number(c.PricePerMillionFuel),
                Text.Number(c.MaxFuel),
                Text.Bytes(c.MaxMemoryBytes),
                w.Running.ToString(CultureInfo.InvariantCulture),
                w.Queued.ToString(CultureInfo.InvariantCulture),
                c.Capacity.ToString(CultureInfo.InvariantCulture),
                Text.Reputation(w.Reputation),
                Text.Number(w.Completed),
                Text.Number(w.Failed),
                Text.Safe(Text.Pairs(c.Labels)),
                Text.Time(w.LastHeartbeat));
        }

        run.Environment.Console.Write(table);
        PageFooter.Write(run, workers.Count, "worker", "workers", page.NextCursor);
    }
}
