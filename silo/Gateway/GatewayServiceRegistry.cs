// Design: the services are read from configuration like API keys, so every silo of a cluster that shares its
// configuration (one compose file, one --config file) accepts the same services. A change to a watched file is read
// again at once: a service removed there is refused from its next grain call on every silo that reads the file (the
// call token is checked against the services in force on each call), and its connections get nothing done.
using Marketplace.GrainInterfaces;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace Marketplace.Silo.Gateway;

/// <summary>
/// The operator services the grain gateway accepts: <c>Marketplace:Gateway:Services:{name}:Secret</c> with either
/// <c>:ClientId</c> (the one client the service may act as) or <c>:Operator</c> = true (any client, full access).
/// </summary>
internal sealed class GatewayServiceRegistry
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Marketplace:Gateway:Services";

    /// <summary>Name of the development service, bound to the development key's client.</summary>
    public const string DevServiceName = "dev";

    private volatile IReadOnlyDictionary<string, GatewayService> _services;

    private GatewayServiceRegistry(IReadOnlyDictionary<string, GatewayService> services) => _services = services;

    /// <summary>How many services are accepted now.</summary>
    public int Count => _services.Count;

    /// <summary>The service named <paramref name="name"/>, or null.</summary>
    public GatewayService? Find(string name) => _services.TryGetValue(name, out var service) ? service : null;

    /// <summary>
    /// Reads the services from configuration (throwing <see cref="OptionsValidationException"/> that names every bad
    /// entry; <paramref name="notices"/> hears of later changes). With none configured and <paramref name="developmentKey"/> given, the development service <c>dev</c>
    /// is the only one: its secret is the development API key and it has the development key's rights: the
    /// operators' when its client is listed in <c>Marketplace:Api:Operators</c>, else those of that one client.
    /// </summary>
    public static GatewayServiceRegistry Load(IConfiguration configuration, string? developmentKey, TextWriter notices)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var services = Build(configuration);
        if (services.Count == 0 && developmentKey is not null)
        {
            var devIsOperator = configuration.GetSection("Marketplace:Api:Operators").GetChildren()
                .Any(child => string.Equals(child.Value?.Trim(), Api.ApiKeyRegistry.DevClientId, StringComparison.Ordinal));
            var dev = new GatewayService(DevServiceName, developmentKey, devIsOperator ? null : Api.ApiKeyRegistry.DevClientId);
            return new GatewayServiceRegistry(new Dictionary<string, GatewayService>(StringComparer.Ordinal) { [dev.Name] = dev });
        }

        var registry = new GatewayServiceRegistry(services);
        ChangeToken.OnChange(configuration.GetReloadToken, () => registry.Reload(configuration, notices));
        return registry;
    }

    private void Reload(IConfiguration configuration, TextWriter notices)
    {
        try
        {
            var next = Build(configuration);
            if (!SameAs(next))
            {
                _services = next;
                notices.WriteLine($"Marketplace gateway: services read again from the configuration: {next.Count} services.");
            }
        }
        catch (OptionsValidationException refused)
        {
            notices.WriteLine($"Marketplace gateway: the changed services were refused and the ones in force kept: {string.Join("; ", refused.Failures)}");
        }
    }

    private bool SameAs(IReadOnlyDictionary<string, GatewayService> next)
    {
        if (next.Count != _services.Count)
        {
            return false;
        }

        foreach (var (name, service) in next)
        {
            if (!_services.TryGetValue(name, out var current) || current != service)
            {
                return false;
            }
        }

        return true;
    }

    private static Dictionary<string, GatewayService> Build(IConfiguration configuration)
    {
        var services = new Dictionary<string, GatewayService>(StringComparer.Ordinal);
        var problems = new List<string>();
        foreach (var child in configuration.GetSection(Section).GetChildren())
        {
            var name = child.Key;
            var where = $"{Section}:{name}";
            if (!GatewayCredential.IsServiceName(name))
            {
                problems.Add($"{where}: '{name}' is not a service name (1 to {GatewayCredential.MaxServiceLength} letters, digits, '-' or '_')");
                continue;
            }

            var secret = child["Secret"]?.Trim();
            if (!GatewayCredential.IsSecret(secret))
            {
                problems.Add($"{where}:Secret must be {GatewayCredential.MinSecretLength} to {GatewayCredential.MaxSecretLength} characters without spaces (e.g. openssl rand -hex 32)");
                continue;
            }

            var clientId = child["ClientId"]?.Trim();
            var operatorText = child["Operator"]?.Trim();
            bool isOperator = false;
            if (!string.IsNullOrEmpty(operatorText) && !bool.TryParse(operatorText, out isOperator))
            {
                problems.Add($"{where}:Operator '{operatorText}' is not true or false");
                continue;
            }

            if (isOperator == !string.IsNullOrEmpty(clientId))
            {
                problems.Add($"{where}: set exactly one of :ClientId (the one client it acts as) or :Operator = true (any client, full access)");
                continue;
            }

            if (clientId is not null && clientId.Length > 0 && !ClientIds.IsValid(clientId))
            {
                problems.Add($"{where}:ClientId '{clientId}' must be 1 to {ClientIds.MaxLength} characters without control characters or '/'");
                continue;
            }

            services[name] = new GatewayService(name, secret!, isOperator ? null : clientId);
        }

        if (problems.Count > 0)
        {
            throw new OptionsValidationException(Section, typeof(GatewayServiceRegistry), problems);
        }

        return services;
    }
}
