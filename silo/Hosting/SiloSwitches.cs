// Design: two switches spare operators the long configuration keys of the common cases. `--config <file>` adds a
// JSON file shaped like appsettings.json (what `marketplace chain deploy --out` writes), `--chain <rpc-url>` turns the
// chain settlement on against that node. Both are taken out of the arguments before the standard command-line
// provider sees them, and their values are added after every other source, so they win over appsettings.json and the
// environment: a switch on the command line is the operator's last word.

namespace Marketplace.Silo.Hosting;

/// <summary>The silo executable's own switches: <c>--config &lt;file&gt;</c> (repeatable) and
/// <c>--chain &lt;rpc-url&gt;</c>.</summary>
public static class SiloSwitches
{
    /// <summary>Adds a JSON configuration file.</summary>
    public const string Config = "--config";

    /// <summary>Settles on the EVM chain at this JSON-RPC URL (<c>Marketplace:Settlement:Chain:Enabled=true</c> and
    /// <c>:RpcUrl</c>).</summary>
    public const string Chain = "--chain";

    private const string ChainSection = "Marketplace:Settlement:Chain";

    /// <summary>Splits <paramref name="args"/> into the switches and the rest (left for the command-line
    /// configuration provider).</summary>
    /// <exception cref="SiloSwitchException">A switch without its value, a config file that does not exist, or a
    /// chain URL that is not http(s).</exception>
    public static SiloSwitchValues Parse(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var rest = new List<string>(args.Length);
        var files = new List<string>();
        string? chain = null;
        for (var i = 0; i < args.Length; i++)
        {
            var argument = args[i];
            var (name, inline) = Split(argument);
            if (name is not (Config or Chain))
            {
                rest.Add(argument);
                continue;
            }

            var value = inline ?? (i + 1 < args.Length ? args[++i] : null);
            if (string.IsNullOrWhiteSpace(value) || value.StartsWith("--", StringComparison.Ordinal))
            {
                throw new SiloSwitchException($"{name} needs a value: {(name == Config ? "a JSON file" : "the node's JSON-RPC URL, e.g. http://127.0.0.1:8545")}.");
            }

            if (name == Config)
            {
                var path = Path.GetFullPath(value);
                if (!File.Exists(path))
                {
                    throw new SiloSwitchException($"{Config}: the file '{value}' does not exist.");
                }

                files.Add(path);
            }
            else
            {
                if (!Uri.TryCreate(value, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
                {
                    throw new SiloSwitchException($"{Chain}: '{value}' is not an http:// or https:// JSON-RPC URL.");
                }

                chain = value;
            }
        }

        return new SiloSwitchValues([.. rest], files, chain);
    }

    /// <summary>Adds the switches' configuration to <paramref name="configuration"/>, after its other sources.</summary>
    public static void AddTo(IConfigurationBuilder configuration, SiloSwitchValues values)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(values);
        foreach (var file in values.ConfigFiles)
        {
            // Read again when the file changes: API keys added or removed there take effect without a restart.
            configuration.AddJsonFile(file, optional: false, reloadOnChange: true);
        }

        if (values.ChainRpcUrl is { } url)
        {
            configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                [ChainSection + ":Enabled"] = "true",
                [ChainSection + ":RpcUrl"] = url,
            });
        }
    }

    private static (string Name, string? Value) Split(string argument)
    {
        var equals = argument.IndexOf('=', StringComparison.Ordinal);
        return equals < 0 ? (argument, null) : (argument[..equals], argument[(equals + 1)..]);
    }
}

/// <summary>What <see cref="SiloSwitches.Parse"/> found.</summary>
/// <param name="Rest">The arguments that are not the silo's switches.</param>
/// <param name="ConfigFiles">The <c>--config</c> files, full paths, in order.</param>
/// <param name="ChainRpcUrl">The <c>--chain</c> URL, or null.</param>
public sealed record SiloSwitchValues(string[] Rest, IReadOnlyList<string> ConfigFiles, string? ChainRpcUrl);

/// <summary>A silo switch given wrongly; the message names the switch and what it needs.</summary>
public sealed class SiloSwitchException(string message) : Exception(message);
