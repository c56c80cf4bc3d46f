namespace Marketplace.TestSupport;

/// <summary>
/// The one place tests and benchmarks find the shared data folder (spec tests, test vectors, benchmark modules).
/// </summary>
/// <remarks>
/// The folder is <c>$MARKETPLACE_SHARED_DIR</c> when that variable is set, otherwise <c>../shared</c> relative to the
/// repository root (the first ancestor of the running assembly that holds <c>Marketplace.sln</c>).
/// A missing folder is an error, never a silent skip: runners over vector folders must see their cases.
/// </remarks>
public static class SharedData
{
    /// <summary>Name of the environment variable that overrides the shared folder.</summary>
    public const string EnvironmentVariable = "MARKETPLACE_SHARED_DIR";

    private static readonly Lazy<string> Root = new(Locate);

    /// <summary>Absolute path of the shared data folder.</summary>
    public static string Directory => Root.Value;

    /// <summary>Absolute path of the repository root (the folder holding <c>Marketplace.sln</c>).</summary>
    public static string RepositoryRoot => FindRepositoryRoot();

    /// <summary>Combines <paramref name="parts"/> below the shared folder and checks that the path exists.</summary>
    public static string Path(params string[] parts)
    {
        var path = System.IO.Path.Combine([Directory, .. parts]);
        if (!File.Exists(path) && !System.IO.Directory.Exists(path))
        {
            throw new FileNotFoundException($"Shared data '{string.Join('/', parts)}' not found under {Directory}.", path);
        }

        return path;
    }

    private static string Locate()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            var full = System.IO.Path.GetFullPath(fromEnvironment);
            if (!System.IO.Directory.Exists(full))
            {
                throw new DirectoryNotFoundException($"{EnvironmentVariable}={fromEnvironment} does not exist.");
            }

            return full;
        }

        var shared = System.IO.Path.GetFullPath(System.IO.Path.Combine(FindRepositoryRoot(), "..", "shared"));
        if (!System.IO.Directory.Exists(shared))
        {
            throw new DirectoryNotFoundException(
                $"Shared data folder not found at {shared}; set {EnvironmentVariable} to its location.");
        }

        return shared;
    }

    private static string FindRepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Marketplace.sln")))
            {
                return dir.FullName;
            }

            dir = dir.Parent;
        }

        throw new DirectoryNotFoundException(
            $"No Marketplace.sln above {AppContext.BaseDirectory}; cannot locate the repository root.");
    }
}
