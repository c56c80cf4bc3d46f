namespace Marketplace.Chaos;

/// <summary>The harness itself could not do its work (docker-compose failed, a silo never became ready): the run
/// fails without figures.</summary>
internal sealed class ChaosHarnessException(string message) : Exception(message);
