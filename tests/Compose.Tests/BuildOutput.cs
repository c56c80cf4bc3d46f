using System.Reflection;

namespace Marketplace.Compose.Tests;

/// <summary>The silo and CLI build outputs this project's build produced (named in its assembly metadata).</summary>
internal static class BuildOutput
{
    /// <summary>Marketplace.Silo.dll.</summary>
    public static string Silo => Locate("SiloAssembly");

    /// <summary>marketplace.dll (the CLI).</summary>
    public static string Cli => Locate("CliAssembly");

    private static string Locate(string key)
    {
        var path = typeof(BuildOutput).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == key)?.Value
            ?? throw new InvalidOperationException($"The test assembly does not name {key}.");
        path = Path.GetFullPath(path);
        return File.Exists(path) ? path : throw new FileNotFoundException($"{path} is not built; build tests/Compose.Tests first.", path);
    }
}
