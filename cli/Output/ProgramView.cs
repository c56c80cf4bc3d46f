using System.Globalization;
using Marketplace.GrainInterfaces;
using Marketplace.GrainInterfaces.Json;
using Spectre.Console;

namespace Marketplace.Cli.Output;

/// <summary>How programs are shown.</summary>
internal static class ProgramView
{
    public static void Show(VerbRun run, ProgramInfo program)
    {
        if (run.Json)
        {
            JsonOutput.Write(run.Environment.Output, program);
            return;
        }

        var m = program.Manifest;
        run.Environment.Console.Write(Text.Grid(
            ("id", program.Id),
            ("name", $"{m.Name}@{m.Version}"),
            ("abi", program.Abi),
            ("entrypoint", program.Abi == ProgramAbiNames.Wasi ? "_start (WASI command)" : $"{m.Entrypoint} ({program.EntrypointShape})"),
            ("deployer", program.Deployer),
            ("module", $"{Text.Bytes(program.ModuleSize)}, sha256 {program.ModuleHash}"),
            ("limits", $"fuel {Text.Number(m.MaxFuel)}, memory {Text.Bytes(m.MaxMemoryBytes)}, timeout {Text.Ms(m.TimeoutMs)}"),
            ("imports", program.Imports.Count == 0 ? "-" : string.Join(", ", program.Imports)),
            ("blob refs", m.BlobRefs.Count == 0 ? "-" : string.Join(", ", m.BlobRefs)),
            ("salt", m.Salt.Length == 0 ? "-" : m.Salt),
            ("deployed", Text.Time(program.DeployedAt))));
    }

    public static void ShowName(VerbRun run, ProgramNameInfo name)
    {
        if (run.Json)
        {
            JsonOutput.Write(run.Environment.Output, name);
            return;
        }

        run.Environment.Console.Write(Text.Grid(
            ("name", name.Name),
            ("owner", name.Owner),
            ("delegates", name.Delegates.Count == 0 ? "-" : string.Join(", ", name.Delegates)),
            ("delegation nonce", name.DelegationNonce.ToString(CultureInfo.InvariantCulture)),
            ("versions", $"{name.VersionCount.ToString(CultureInfo.InvariantCulture)} (latest {name.LatestVersion})")));
    }

    public static void List(VerbRun run, Page<ProgramInfo> page)
    {
        var programs = page.Items;
        if (run.Json)
        {
            JsonOutput.Write(run.Environment.Output, new ProgramList { Programs = programs, NextCursor = page.NextCursor });
            return;
        }

        var table = new Table().AddColumns("NAME", "VERSION", "ID", "ABI", "ENTRYPOINT", "SIZE", "DEPLOYER", "DEPLOYED");
        table.Columns[2].NoWrap();
        foreach (var p in programs)
        {
            table.AddRow(
                Text.Safe(p.Manifest.Name),
                Text.Safe(p.Manifest.Version),
                Text.Safe(p.Id),
                Text.Safe(p.Abi),
                Text.Safe(p.Abi == ProgramAbiNames.Wasi ? "_start" : p.Manifest.Entrypoint),
                Text.Bytes(p.ModuleSize),
                Text.Safe(p.Deployer),
                Text.Time(p.DeployedAt));
        }

        run.Environment.Console.Write(table);
        PageFooter.Write(run, programs.Count, "program", "programs", page.NextCursor);
    }
}
