// Design: System.CommandLine parses; every verb's action goes through RunAsync, which turns expected failures into
// one `error <code>: <message>` line and an exit code (ErrorReport) and lets bugs propagate. Verbs check their local
// inputs (files, value syntax) before asking for a client, so usage mistakes never wait on the network.
using System.CommandLine;
using Marketplace.Cli.Connection;
using Marketplace.Cli.Parsing;
using Marketplace.GrainInterfaces;
using Marketplace.Sdk;

namespace Marketplace.Cli;

/// <summary>The options every verb shares and the run wrapper of each verb's action.</summary>
internal sealed class CliContext
{
    public const string DefaultUrl = "http://127.0.0.1:8080";
    public const string DefaultClientId = "cli";
    public const string DefaultClusterId = "dev";

    public CliContext(CliEnvironment environment)
    {
        Environment = environment;
        Url = new Option<string>("--url")
        {
            Description = "HTTP API base address (env MARKETPLACE_URL).",
            DefaultValueFactory = _ => environment.GetVariable("MARKETPLACE_URL") ?? DefaultUrl,
            Recursive = true,
        };
        ApiKey = new Option<string?>("--api-key")
        {
            // No default value factory: help would print the key from the environment. Read at use instead.
            Description = "API key for the HTTP API (env MARKETPLACE_API_KEY).",
            Recursive = true,
        };
        Gateway = new Option<string?>("--gateway")
        {
            Description = "Talk to silo gateways (host:port, several separated by commas) with grain calls instead of the HTTP API (env MARKETPLACE_GATEWAY).",
            DefaultValueFactory = _ => environment.GetVariable("MARKETPLACE_GATEWAY"),
            Recursive = true,
        };
        GatewayCredential = new Option<string?>("--gateway-credential")
        {
            // No default value factory: help would print the secret from the environment. Read at use instead.
            Description = "Operator service credential for --gateway, service:secret (env MARKETPLACE_GATEWAY_CREDENTIAL); a silo on embedded defaults accepts dev:<its development key>.",
            Recursive = true,
        };
        ClientId = new Option<string>("--client-id")
        {
            Description = "Client id to act as over --gateway, with that client's access to blobs (env MARKETPLACE_CLIENT_ID); without it the CLI acts as 'cli' with the operators' full access.",
            DefaultValueFactory = _ => environment.GetVariable("MARKETPLACE_CLIENT_ID") ?? DefaultClientId,
            Recursive = true,
        };
        ClusterId = new Option<string>("--cluster-id")
        {
            Description = "Cluster id the gateway expects (env MARKETPLACE_CLUSTER_ID).",
            DefaultValueFactory = _ => environment.GetVariable("MARKETPLACE_CLUSTER_ID") ?? DefaultClusterId,
            Recursive = true,
        };
        SigningKeyId = new Option<string?>("--signing-key-id")
        {
            Description = "Sign every HTTP request with this signing key (env MARKETPLACE_SIGNING_KEY_ID); needs --signing-secret-file.",
            DefaultValueFactory = _ => environment.GetVariable("MARKETPLACE_SIGNING_KEY_ID"),
            Recursive = true,
        };
        SigningSecretFile = new Option<string?>("--signing-secret-file")
        {
            Description = "File holding the signing key's base64 secret (env MARKETPLACE_SIGNING_SECRET_FILE).",
            DefaultValueFactory = _ => environment.GetVariable("MARKETPLACE_SIGNING_SECRET_FILE"),
            Recursive = true,
        };
        Json = new Option<bool>("--json")
        {
            Description = "Print machine-readable JSON instead of tables.",
            Recursive = true,
        };
        Quiet = new Option<bool>("--quiet", "-q")
        {
            Description = "Draw no progress lines on stderr.",
            Recursive = true,
        };
    }

    public CliEnvironment Environment { get; }

    public Option<string> Url { get; }

    public Option<string?> ApiKey { get; }

    public Option<string?> Gateway { get; }

    public Option<string> ClientId { get; }

    public Option<string> ClusterId { get; }

    public Option<string?> SigningKeyId { get; }

    public Option<string?> SigningSecretFile { get; }

    /// <summary><c>--gateway-credential</c>: the operator service a gateway connection proves (service:secret).</summary>
    public Option<string?> GatewayCredential { get; }

    public Option<bool> Json { get; }

    public Option<bool> Quiet { get; }

    public void AddGlobalOptions(Command root)
    {
        root.Options.Add(Url);
        root.Options.Add(ApiKey);
        root.Options.Add(Gateway);
        root.Options.Add(GatewayCredential);
        root.Options.Add(ClientId);
        root.Options.Add(ClusterId);
        root.Options.Add(SigningKeyId);
        root.Options.Add(SigningSecretFile);
        root.Options.Add(Json);
        root.Options.Add(Quiet);
    }

    /// <summary>Makes <paramref name="body"/> the action of <paramref name="command"/>.</summary>
    public void SetAction(Command command, Func<VerbRun, Task<int>> body) =>
        command.SetAction((parse, cancellationToken) => RunAsync(parse, body, cancellationToken));

    private async Task<int> RunAsync(ParseResult parse, Func<VerbRun, Task<int>> body, CancellationToken cancellationToken)
    {
        var run = new VerbRun(this, parse, cancellationToken);
        try
        {
            return await body(run).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await Environment.Error.WriteLineAsync("error interrupted: cancelled.").ConfigureAwait(false);
            return ExitCodes.Interrupted;
        }
        catch (Exception error) when (ErrorReport.From(error, run.Endpoint) is { } report)
        {
            await Environment.Error.WriteLineAsync(report.Line).ConfigureAwait(false);
            return report.ExitCode;
        }
        finally
        {
            await run.DisposeAsync().ConfigureAwait(false);
        }
    }
}

/// <summary>One verb's run: its parsed values, output mode and (on demand) its connection.</summary>
internal sealed class VerbRun : IAsyncDisposable
{
    private readonly CliContext _context;
    private ConnectedClient? _connection;

    public VerbRun(CliContext context, ParseResult parse, CancellationToken cancellationToken)
    {
        _context = context;
        Parse = parse;
        CancellationToken = cancellationToken;
        Json = parse.GetValue(context.Json);
        Quiet = parse.GetValue(context.Quiet);
        var gateway = parse.GetValue(context.Gateway);
        Endpoint = string.IsNullOrWhiteSpace(gateway) ? parse.GetValue(context.Url) ?? CliContext.DefaultUrl : $"gateway {gateway}";
    }

    public ParseResult Parse { get; }

    public CancellationToken CancellationToken { get; }

    /// <summary>True with <c>--json</c>.</summary>
    public bool Json { get; }

    /// <summary>True with <c>--quiet</c>: no progress lines.</summary>
    public bool Quiet { get; }

    /// <summary>Where this run connects, for messages.</summary>
    public string Endpoint { get; }

    public CliEnvironment Environment => _context.Environment;

    public T? Get<T>(Option<T> option) => Parse.GetValue(option);

    public T? Get<T>(Argument<T> argument) => Parse.GetValue(argument);

    /// <summary>Connects (once) and returns the client.</summary>
    public async Task<IMarketplaceClient> ClientAsync()
    {
        if (_connection is null)
        {
            var settings = Settings();
            _connection = await Environment.Clients.ConnectAsync(settings, CancellationToken).ConfigureAwait(false);
        }

        return _connection.Client;
    }

    public ValueTask DisposeAsync() => _connection?.DisposeAsync() ?? ValueTask.CompletedTask;

    private ConnectionSettings Settings()
    {
        var urlText = Parse.GetValue(_context.Url) ?? CliContext.DefaultUrl;
        if (!Uri.TryCreate(urlText, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            throw CliException.Usage($"--url: '{urlText}' is not an http:// or https:// address.");
        }

        var gateway = Parse.GetValue(_context.Gateway);
        gateway = string.IsNullOrWhiteSpace(gateway) ? null : ValueText.Gateway(gateway.Trim());
        var clientId = Parse.GetValue(_context.ClientId);
        if (!ClientIds.IsValid(clientId))
        {
            throw CliException.Usage("--client-id: give 1 to 128 characters without control characters, '/' or surrounding spaces.");
        }

        // A client named on the command line or in the environment is acted as, with its own access to blobs, as
        // over HTTP; with neither, the CLI is the operators' tool with full access (jobs and uploads under 'cli').
        var named = Parse.GetResult(_context.ClientId) is { Implicit: false } || _context.Environment.GetVariable("MARKETPLACE_CLIENT_ID") is not null;
        var apiKey = Parse.GetValue(_context.ApiKey) ?? _context.Environment.GetVariable("MARKETPLACE_API_KEY");
        return new ConnectionSettings(url, string.IsNullOrWhiteSpace(apiKey) ? null : apiKey, gateway, clientId, Parse.GetValue(_context.ClusterId) ?? CliContext.DefaultClusterId, named)
        {
            SigningKey = gateway is null ? SigningKey() : null,
            GatewayCredential = gateway is null ? null : GatewayCredential(),
        };
    }

    // The credential of a gateway connection, service:secret; read only when a gateway is given.
    private GatewayCredential GatewayCredential()
    {
        var text = Parse.GetValue(_context.GatewayCredential) ?? _context.Environment.GetVariable("MARKETPLACE_GATEWAY_CREDENTIAL");
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new CliException("unauthorized", ExitCodes.Auth,
                "--gateway needs an operator service's credential: pass --gateway-credential service:secret or set MARKETPLACE_GATEWAY_CREDENTIAL "
                + "(a silo on embedded defaults accepts dev:$(cat silo/data/dev-api-key), acting as client 'dev').");
        }

        return Marketplace.GrainInterfaces.GatewayCredential.TryParse(text.Trim(), out var credential, out var error)
            ? credential
            : throw CliException.Usage($"--gateway-credential: {error}.");
    }

    // The signing key of HTTP requests: both options or neither; the secret file holds the base64 secret.
    private RequestSigningKey? SigningKey()
    {
        var keyId = Parse.GetValue(_context.SigningKeyId);
        var secretFile = Parse.GetValue(_context.SigningSecretFile);
        keyId = string.IsNullOrWhiteSpace(keyId) ? null : keyId.Trim();
        secretFile = string.IsNullOrWhiteSpace(secretFile) ? null : secretFile;
        if (keyId is null && secretFile is null)
        {
            return null;
        }

        if (keyId is null || secretFile is null)
        {
            throw CliException.Usage("--signing-key-id and --signing-secret-file go together: give both (or MARKETPLACE_SIGNING_KEY_ID and MARKETPLACE_SIGNING_SECRET_FILE) or neither.");
        }

        string secret;
        try
        {
            secret = File.ReadAllText(secretFile);
        }
        catch (Exception failure) when (failure is IOException or UnauthorizedAccessException)
        {
            throw CliException.Usage($"--signing-secret-file: cannot read '{secretFile}': {failure.Message}");
        }

        try
        {
            return RequestSigningKey.FromBase64(keyId, secret);
        }
        catch (ArgumentException)
        {
            throw CliException.Usage("--signing-key-id / --signing-secret-file: the key id must be 1 to 64 characters of A-Z, a-z, 0-9, '_', '.' and '-', and the file must hold base64 of at least 32 bytes.");
        }
    }
}
