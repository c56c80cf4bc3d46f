namespace Marketplace.Cli;

/// <summary>
/// A failure the CLI reports itself (bad arguments, unreadable local files, features missing from this build):
/// printed as <c>error &lt;code&gt;: &lt;message&gt;</c> with <see cref="ExitCode"/>.
/// </summary>
internal sealed class CliException : Exception
{
    public CliException(string code, int exitCode, string message)
        : base(message)
    {
        Code = code;
        ExitCode = exitCode;
    }

    /// <summary>The error code printed after <c>error</c>.</summary>
    public string Code { get; }

    /// <summary>The process exit code.</summary>
    public int ExitCode { get; }

    /// <summary>A command-line mistake (exit 1, code <c>usage</c>).</summary>
    public static CliException Usage(string message) => new("usage", ExitCodes.Usage, message);
}
