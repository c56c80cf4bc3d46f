using System.Text;
using Marketplace.Cli;
using Marketplace.Cli.Connection;
using Marketplace.TestSupport;
using Xunit;

namespace Marketplace.Api.Tests.Cli;

/// <summary>Runs the CLI in-process with captured outputs and a controlled environment.</summary>
internal sealed class CliRunner
{
    private readonly Dictionary<string, string> _variables = new(StringComparer.Ordinal);

    public CliRunner(IMarketplaceClientFactory? clients = null) => Clients = clients ?? new MarketplaceClientFactory();

    public IMarketplaceClientFactory Clients { get; }

    /// <summary>Whether the run's stderr counts as a terminal (progress lines are drawn only then); false by default.</summary>
    public bool ErrorIsTerminal { get; init; }

    public CliRunner With(string variable, string value)
    {
        _variables[variable] = value;
        return this;
    }

    /// <summary>Talks to <paramref name="gateway"/> as the test silos' operator service.</summary>
    public CliRunner WithGateway(string gateway) =>
        With("MARKETPLACE_GATEWAY", gateway).With("MARKETPLACE_GATEWAY_CREDENTIAL", $"{TestGatewayServices.Operator}:{TestGatewayServices.OperatorSecret}");

    public async Task<CliResult> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var stdout = new MemoryStream();
        var environment = new CliEnvironment(output, error, () => new NonClosingStream(stdout), Clients, name => _variables.GetValueOrDefault(name))
        {
            ErrorIsTerminal = ErrorIsTerminal,
        };
        var exit = await MarketplaceCli.RunAsync(args, environment);
        return new CliResult(exit, output.ToString(), error.ToString(), stdout.ToArray());
    }

    private sealed class NonClosingStream(Stream inner) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => inner.Length;

        public override long Position { get => inner.Position; set => throw new NotSupportedException(); }

        public override void Flush() => inner.Flush();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);
    }
}

/// <summary>What a CLI run produced.</summary>
internal sealed record CliResult(int ExitCode, string Output, string Error, byte[] StandardOutput)
{
    public string StandardOutputText => Encoding.UTF8.GetString(StandardOutput);

    /// <summary>The single error line (asserts there is exactly one).</summary>
    public string ErrorLine
    {
        get
        {
            var lines = Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            Assert.True(lines.Length == 1, $"expected one error line, got: {Error}");
            return lines[0];
        }
    }

    public override string ToString() => $"exit {ExitCode}\nout: {Output}\nerr: {Error}";
}
