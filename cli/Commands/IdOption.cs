using System.CommandLine;

namespace Marketplace.Cli.Commands;

/// <summary>The <c>--id</c> option of verbs that address one blob or job.</summary>
internal static class IdOption
{
    public static Option<string> Job() => new("--id", "--job-id") { Description = "The job id (job + 32 hex).", Required = true };

    public static Option<string> Blob() => new("--id", "--blob-id") { Description = "The blob id (blob + 64 hex).", Required = true };
}
