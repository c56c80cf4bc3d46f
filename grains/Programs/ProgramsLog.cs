using Microsoft.Extensions.Logging;

namespace Marketplace.Grains.Programs;

/// <summary>The program catalog's log events (category <c>Marketplace.Grains.Programs</c>, event ids 5400-5499).</summary>
internal sealed partial class ProgramsLog(ILogger logger)
{
    /// <summary>The log category.</summary>
    public const string Category = "Marketplace.Grains.Programs";

    [LoggerMessage(EventId = MarketplaceEventIds.CatalogMigrationStarted, Level = LogLevel.Information, Message = "The program catalog's single record holds {Programs} programs under {Names} names; moving each name to its own grain")]
    public partial void CatalogMigrationStarted(int programs, int names);

    [LoggerMessage(EventId = MarketplaceEventIds.CatalogMigrationFinished, Level = LogLevel.Information, Message = "The program catalog's single record is moved to {Names} name grains and emptied")]
    public partial void CatalogMigrationFinished(int names);

    [LoggerMessage(EventId = MarketplaceEventIds.CatalogMigrationRetry, Level = LogLevel.Warning, Message = "Moving program names out of the catalog's single record failed with {Names} names left; retrying in {DelaySeconds} s")]
    public partial void CatalogMigrationRetry(Exception exception, int names, double delaySeconds);

    [LoggerMessage(EventId = MarketplaceEventIds.ProgramNameDelegation, Level = LogLevel.Information, Message = "Program name {Name}: its owner {Owner} signed a {Action} for {Delegate} (nonce {Nonce})")]
    public partial void Delegation(string name, string owner, string action, string @delegate, long nonce);
}
