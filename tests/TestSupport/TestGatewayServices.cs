namespace Marketplace.TestSupport;

/// <summary>
/// The gateway services test silos are configured with: an operator service and one bound to client <c>alice</c>.
/// Tests connect with <c>new GatewayCredential(Operator, OperatorSecret)</c>.
/// </summary>
public static class TestGatewayServices
{
    /// <summary>The operator service's name.</summary>
    public const string Operator = "tests-operator";

    /// <summary>The operator service's secret.</summary>
    public const string OperatorSecret = "tests-operator-secret-5f0c2a7d9b41e83c";

    /// <summary>The name of the service bound to client <see cref="AliceClient"/>.</summary>
    public const string Alice = "tests-alice";

    /// <summary>Its secret.</summary>
    public const string AliceSecret = "tests-alice-secret-0d93b8e1c7a24f65aa";

    /// <summary>The client the bound service acts as.</summary>
    public const string AliceClient = "alice";

    /// <summary>Adds both services to a silo's settings.</summary>
    public static void AddTo(IDictionary<string, string?> settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings[$"Marketplace:Gateway:Services:{Operator}:Secret"] = OperatorSecret;
        settings[$"Marketplace:Gateway:Services:{Operator}:Operator"] = "true";
        settings[$"Marketplace:Gateway:Services:{Alice}:Secret"] = AliceSecret;
        settings[$"Marketplace:Gateway:Services:{Alice}:ClientId"] = AliceClient;
    }
}
