// Design: the process-level settings of the silo (how long a graceful stop may take, how the console log looks) are
// read once while the application is built, before any host service exists, because both shape the host itself:
// HostOptions.ShutdownTimeout and the console formatter cannot change after Build. A bad value stops the build with
// an OptionsValidationException naming the key and its value, like Marketplace:Cluster.
using Microsoft.Extensions.Options;

namespace Marketplace.Silo.Hosting;

/// <summary>Applies <see cref="SiloHostOptions"/> and <see cref="SiloLoggingOptions"/> to the silo's host.</summary>
internal static class SiloHostingExtensions
{
    /// <summary>The UTC timestamp format of JSON log lines (ISO 8601 with milliseconds).</summary>
    public const string JsonTimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";

    /// <summary>Reads and checks both option sections, sets the shutdown timeout and the console format; returns the
    /// logging options (the caller routes operator notices by format).</summary>
    public static SiloLoggingOptions AddMarketplaceHostSettings(this WebApplicationBuilder builder)
    {
        var host = Read(builder.Configuration, SiloHostOptions.Section, new SiloHostOptions(), new SiloHostOptionsValidator());
        var logging = Read(builder.Configuration, SiloLoggingOptions.Section, new SiloLoggingOptions(), new SiloLoggingOptionsValidator());
        builder.Services.AddSingleton(Options.Create(host));
        builder.Services.AddSingleton(Options.Create(logging));
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = host.ShutdownTimeout);
        if (logging.Format == LogFormat.Json)
        {
            builder.Logging.AddJsonConsole(o =>
            {
                o.TimestampFormat = JsonTimestampFormat;
                o.UseUtcTimestamp = true;
                o.IncludeScopes = false;
            });
        }

        return logging;
    }

    /// <summary>Logs when the host begins to stop and when it has stopped (events 6006, 6007).</summary>
    public static void LogLifetime(WebApplication app)
    {
        var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Marketplace.Silo");
        var timeout = app.Services.GetRequiredService<IOptions<SiloHostOptions>>().Value.ShutdownTimeout;
        app.Lifetime.ApplicationStopping.Register(() => SiloLifetimeLog.Stopping(log, timeout.TotalSeconds));
        app.Lifetime.ApplicationStopped.Register(() => SiloLifetimeLog.Stopped(log));
    }

    private static T Read<T>(IConfiguration configuration, string section, T options, IValidateOptions<T> validator)
        where T : class
    {
        try
        {
            configuration.GetSection(section).Bind(options);
        }
        catch (InvalidOperationException wrong)
        {
            // The binder's message names the key and value ("Failed to convert configuration value '…' at '…'").
            throw new OptionsValidationException(section, typeof(T), [wrong.Message]);
        }

        var result = validator.Validate(null, options);
        if (result.Failed)
        {
            throw new OptionsValidationException(section, typeof(T), result.Failures);
        }

        return options;
    }
}
