namespace Marketplace.Silo.Hosting;

/// <summary>How the silo writes its console log (<c>Marketplace:Logging:Format</c>).</summary>
public enum LogFormat
{
    /// <summary>.NET's plain console format: two lines an entry, for people.</summary>
    Text,

    /// <summary>One JSON object a line (<c>Timestamp</c>, <c>EventId</c>, <c>LogLevel</c>, <c>Category</c>,
    /// <c>Message</c>, <c>State</c>), for log collectors.</summary>
    Json,
}
