using Marketplace.Cli.Connection;
using Spectre.Console;

namespace Marketplace.Cli;

/// <summary>
/// Everything a CLI run touches outside itself: its text and binary outputs, the consoles that render tables and
/// progress, environment variables and how it connects. <see cref="ForProcess"/> builds the real one; tests build
/// one over in-memory writers.
/// </summary>
internal sealed class CliEnvironment
{
    /// <summary>Width used when the output is not a terminal, so ids and tables never wrap.</summary>
    public const int RedirectedWidth = 240;

    public CliEnvironment(TextWriter output, TextWriter error, Func<Stream> openStandardOutput, IMarketplaceClientFactory clients, Func<string, string?>? environment = null)
    {
        Output = output;
        Error = error;
        OpenStandardOutput = openStandardOutput;
        Clients = clients;
        GetVariable = environment ?? (_ => null);
        Console = CreateConsole(output, interactive: false);
        StatusConsole = CreateConsole(error, interactive: false);
    }

    private CliEnvironment(TextWriter output, TextWriter error, Func<Stream> openStandardOutput, IMarketplaceClientFactory clients, Func<string, string?> environment, IAnsiConsole console, IAnsiConsole statusConsole)
    {
        Output = output;
        Error = error;
        OpenStandardOutput = openStandardOutput;
        Clients = clients;
        GetVariable = environment;
        Console = console;
        StatusConsole = statusConsole;
    }

    /// <summary>Text output (tables, JSON, messages).</summary>
    public TextWriter Output { get; }

    /// <summary>Error output (the <c>error code: message</c> lines).</summary>
    public TextWriter Error { get; }

    /// <summary>Opens the binary standard output (job output and blobs written to stdout).</summary>
    public Func<Stream> OpenStandardOutput { get; }

    /// <summary>Connects to the marketplace.</summary>
    public IMarketplaceClientFactory Clients { get; }

    /// <summary>Reads an environment variable (null when unset).</summary>
    public Func<string, string?> GetVariable { get; }

    /// <summary>Renders tables on <see cref="Output"/>.</summary>
    public IAnsiConsole Console { get; }

    /// <summary>True when <see cref="Error"/> is a terminal: progress lines are drawn only then.</summary>
    public bool ErrorIsTerminal { get; init; }

    /// <summary>The clock progress lines measure rates with.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>Renders status output on <see cref="Error"/> (so stdout stays clean for data).</summary>
    public IAnsiConsole StatusConsole { get; }

    /// <summary>The process's real console, environment and connection factory.</summary>
    public static CliEnvironment ForProcess()
    {
        var output = System.Console.Out;
        var error = System.Console.Error;
        var console = System.Console.IsOutputRedirected ? CreateConsole(output, interactive: false) : AnsiConsole.Create(new AnsiConsoleSettings());
        var status = System.Console.IsErrorRedirected
            ? CreateConsole(error, interactive: false)
            : AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(error) });
        return new CliEnvironment(output, error, System.Console.OpenStandardOutput, new MarketplaceClientFactory(), Environment.GetEnvironmentVariable, console, status)
        {
            ErrorIsTerminal = !System.Console.IsErrorRedirected,
        };
    }

    private static IAnsiConsole CreateConsole(TextWriter writer, bool interactive)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = interactive ? InteractionSupport.Yes : InteractionSupport.No,
        });
        console.Profile.Width = RedirectedWidth;
        return console;
    }
}
