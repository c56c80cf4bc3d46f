using System.CommandLine;

namespace Marketplace.Cli.Commands;

/// <summary>The <c>--client</c> option of the verbs that grant or revoke another client's read access to a blob (not
/// to be confused with the global <c>--client-id</c>, the client the CLI acts as over a gateway).</summary>
internal static class GranteeOption
{
    public static Option<string> Create(string description) => new("--client") { Description = description, Required = true };
}
