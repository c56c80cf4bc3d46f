namespace Marketplace.Grains.Storage.TestHooks;

/// <summary>
/// Fault injection for tests: a deal's repair calls every registered interruption once its plan (fragment → new
/// provider) is recorded and before any byte moves, so a test can stop a repair exactly there, restart the silo and
/// watch the same plan finish. Not registered by the marketplace; a test silo adds one.
/// </summary>
internal interface IRepairInterruption
{
    /// <summary>Called with the deal whose repair plan was just recorded; throwing stops the repair there.</summary>
    void AfterPlanRecorded(string dealId);
}
