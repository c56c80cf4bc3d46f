namespace Marketplace.Wasm.Tests;

/// <summary>The checked-in skip rules (spec-skips.txt) and known failures (spec-known-failures.txt).</summary>
public sealed class SpecLists
{
    private readonly List<(string Folder, string Command, string ModuleType)> skips = new();
    private readonly HashSet<(string, int)> known = new();

    public static SpecLists Load()
    {
        var lists = new SpecLists();
        var baseDir = AppContext.BaseDirectory;
        foreach (var raw in File.ReadAllLines(Path.Combine(baseDir, "spec-skips.txt")))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            // folder-or-* command module_type : reason
            var parts = line.Split(':', 2)[0].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (line.Split(':', 2).Length < 2 || line.Split(':', 2)[1].Trim().Length == 0)
            {
                throw new InvalidDataException($"spec-skips.txt line without a reason: {raw}");
            }

            lists.skips.Add((parts[0], parts[1], parts[2]));
        }

        foreach (var raw in File.ReadAllLines(Path.Combine(baseDir, "spec-known-failures.txt")))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            // folder line : reason
            var parts = line.Split(':', 2)[0].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            lists.known.Add((parts[0], int.Parse(parts[1])));
        }

        return lists;
    }

    public bool IsSkipped(string folder, string command, string moduleType) =>
        (command is "assert_malformed" or "assert_invalid") && moduleType == "text" &&
        skips.Any(s => (s.Folder == "*" || s.Folder == folder) && s.Command == command && s.ModuleType == moduleType);

    public bool IsKnownFailure(string folder, int line) => known.Contains((folder, line));
}
