namespace Marketplace.Silo.Hosting;

/// <summary>
/// The silo's console log (configuration section <c>Marketplace:Logging</c>; environment
/// <c>Marketplace__Logging__Format=json</c>). Levels stay under .NET's own <c>Logging:LogLevel</c>.
/// </summary>
public sealed class SiloLoggingOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Marketplace:Logging";

    /// <summary>
    /// <c>text</c> (the default) or <c>json</c>: one JSON object a line on standard output with the UTC timestamp
    /// (ISO 8601), event id, level, category, message and the message's named values. In <c>json</c> the
    /// development-key banner goes to standard error, so standard output holds only JSON lines.
    /// </summary>
    /// <remarks>.NET's own <c>Logging:Console:FormatterName=json</c> also selects the JSON formatter, but without
    /// timestamps unless <c>Logging:Console:FormatterOptions:TimestampFormat</c> is set too; this switch sets both.</remarks>
    public LogFormat Format { get; set; } = LogFormat.Text;
}
