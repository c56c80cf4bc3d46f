// Design: Orleans' watchdog starts its platform thread before it stamps the time of its first component check. On a
// busy machine the platform thread can look before that stamp is written, find it still zero, and warn that the
// "participant check thread has not completed for" the time since the machine booted (the origin of the stopwatch
// timestamps), e.g. 02:02:28 on a fresh start. A stall longer than this process has existed cannot have happened, so
// those warnings, and only those, are dropped before they reach any log provider. Age is counted from the moment the
// filter is applied, before the host is built and so before the watchdog starts: a real stall is shorter than that
// and is still logged as Orleans wrote it.
using System.Diagnostics;

namespace Marketplace.Silo.Hosting;

/// <summary>Wraps a log provider so Orleans' watchdog warnings that report an impossible stall are dropped.</summary>
internal sealed class WatchdogFalseAlarmFilter(ILoggerProvider inner, Func<TimeSpan> processAge) : ILoggerProvider, ISupportExternalScope
{
    /// <summary>The log category of Orleans' watchdog.</summary>
    internal const string Category = "Orleans.Runtime.Watchdog";

    /// <summary>Wraps every log provider registered so far in <paramref name="services"/>; call after the last
    /// provider is added, before the host is built. Ages are measured from this call: the watchdog starts later,
    /// so no stall it can really see is longer.</summary>
    public static void Apply(IServiceCollection services)
    {
        var applied = Stopwatch.GetTimestamp();
        for (var i = 0; i < services.Count; i++)
        {
            var descriptor = services[i];
            if (descriptor.ServiceType != typeof(ILoggerProvider) || descriptor.IsKeyedService)
            {
                continue;
            }

            services[i] = ServiceDescriptor.Singleton<ILoggerProvider>(provider =>
                new WatchdogFalseAlarmFilter(Create(descriptor, provider), () => Stopwatch.GetElapsedTime(applied)));
        }
    }

    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName)
    {
        var logger = inner.CreateLogger(categoryName);
        return string.Equals(categoryName, Category, StringComparison.Ordinal) ? new FilteringLogger(logger, processAge) : logger;
    }

    /// <inheritdoc />
    public void SetScopeProvider(IExternalScopeProvider scopeProvider)
    {
        if (inner is ISupportExternalScope scoped)
        {
            scoped.SetScopeProvider(scopeProvider);
        }
    }

    /// <inheritdoc />
    public void Dispose() => inner.Dispose();

    /// <summary>Whether <paramref name="state"/> is a watchdog warning reporting a stall longer than
    /// <paramref name="processAge"/>.</summary>
    internal static bool IsImpossibleStall<TState>(TState state, TimeSpan processAge)
    {
        if (state is not IReadOnlyList<KeyValuePair<string, object?>> values)
        {
            return false;
        }

        TimeSpan? stall = null;
        var participantCheck = false;
        for (var i = 0; i < values.Count; i++)
        {
            var (key, value) = values[i];
            if (key == "TimeSinceLastTick" && value is TimeSpan reported)
            {
                stall = reported;
            }
            else if (key == "{OriginalFormat}" && value is string format)
            {
                participantCheck = format.StartsWith("Participant check thread has not completed", StringComparison.Ordinal);
            }
        }

        return participantCheck && stall > processAge;
    }

    private static ILoggerProvider Create(ServiceDescriptor descriptor, IServiceProvider provider) =>
        descriptor.ImplementationInstance as ILoggerProvider
        ?? descriptor.ImplementationFactory?.Invoke(provider) as ILoggerProvider
        ?? (ILoggerProvider)ActivatorUtilities.CreateInstance(provider, descriptor.ImplementationType!);

    private sealed class FilteringLogger(ILogger inner, Func<TimeSpan> processAge) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel == LogLevel.Warning && IsImpossibleStall(state, processAge()))
            {
                return;
            }

            inner.Log(logLevel, eventId, state, exception, formatter);
        }
    }
}
