namespace Marketplace.Grains.Telemetry;

/// <summary>The load of one worker's executor, as the worker gauges of <see cref="MarketplaceTelemetry"/> read it at
/// collection time.</summary>
internal interface IWorkerLoad
{
    /// <summary>False once the executor stopped; a stopped executor counts for nothing.</summary>
    bool IsAlive { get; }

    /// <summary>Attempts executing now.</summary>
    int Running { get; }

    /// <summary>Attempts waiting for a slot.</summary>
    int Queued { get; }
}
