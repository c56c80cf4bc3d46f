// The Docker cluster's chaos run (see README.md beside this file). Exit codes: 0 every check passed, 1 a check
// failed, 2 bad arguments, 3 the harness could not run (no cluster, a silo never ready).
using Marketplace.Chaos;

var root = FindRepositoryRoot();
ChaosSettings settings;
try
{
    settings = ChaosSettings.Parse(args, root);
}
catch (Exception e) when (e is ArgumentException or FormatException)
{
    Console.Error.WriteLine(e.Message);
    Console.Error.WriteLine(ChaosSettings.Usage);
    return 2;
}

var cluster = new ComposeCluster(Path.Combine(root, "docker-compose.yml"), settings.Project, Console.Out);
var run = new ChaosRun(cluster, settings, Console.Out);
var exit = 0;
try
{
    await run.RunAsync();
}
catch (ChaosHarnessException e)
{
    Console.WriteLine($"[chaos] the harness stopped: {e.Message}");
    exit = 3;
}
finally
{
    if (!settings.KeepCluster)
    {
        await cluster.DownAsync();
    }
}

var passed = run.Checks.Count(c => c.Passed);
var failed = run.Checks.Count - passed + (exit == 3 ? 1 : 0);
Console.WriteLine($"[chaos] {passed} checks passed, {failed} failed");
return exit != 0 ? exit : failed > 0 ? 1 : 0;

static string FindRepositoryRoot()
{
    for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
    {
        if (File.Exists(Path.Combine(folder.FullName, "Marketplace.sln")))
        {
            return folder.FullName;
        }
    }

    return Directory.GetCurrentDirectory();
}
