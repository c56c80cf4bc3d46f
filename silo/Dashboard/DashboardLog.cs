using Marketplace.Grains;

namespace Marketplace.Silo.Dashboard;

/// <summary>The marketplace page's log events (ids in <see cref="MarketplaceEventIds"/>).</summary>
internal static partial class DashboardLog
{
    [LoggerMessage(EventId = MarketplaceEventIds.DashboardSectionFailed, Level = LogLevel.Warning, Message = "Marketplace page: the {Section} section could not be read ({Problem})")]
    public static partial void SectionFailed(ILogger logger, Exception exception, string section, string problem);
}
