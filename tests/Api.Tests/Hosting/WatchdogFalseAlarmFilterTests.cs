using Marketplace.Silo.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit;

namespace Marketplace.Api.Tests.Hosting;

/// <summary>Orleans' watchdog warnings of a stall longer than the process has lived are dropped; every other line
/// passes, in every category.</summary>
public sealed class WatchdogFalseAlarmFilterTests
{
    private const string ParticipantFormat = "Participant check thread has not completed for {TimeSinceLastTick}, potentially indicating lock contention or deadlock, CPU starvation, or another execution anomaly.";
    private const string PlatformFormat = ".NET Runtime Platform stalled for {TimeSinceLastTick}. Total GC Pause duration during that period: {PauseDurationSinceLastTick}.";

    [Fact]
    public void AStallLongerThanTheProcessHasLivedIsDroppedAndRealOnesPass()
    {
        var sink = new RecordingProvider();
        using var filter = new WatchdogFalseAlarmFilter(sink, () => TimeSpan.FromSeconds(30));
        var watchdog = filter.CreateLogger(WatchdogFalseAlarmFilter.Category);

        // The machine's uptime, as the race at start reports it: impossible for a process 30 s old.
        Warn(watchdog, ParticipantFormat, TimeSpan.FromHours(2) + TimeSpan.FromMinutes(2));
        // A real stall of 5 s, and one of exactly the process's age.
        Warn(watchdog, ParticipantFormat, TimeSpan.FromSeconds(5));
        Warn(watchdog, ParticipantFormat, TimeSpan.FromSeconds(30));
        // The platform stall warning shares the event id and the field; it is never touched.
        Warn(watchdog, PlatformFormat, TimeSpan.FromHours(3));
        // Another category with the same shape passes.
        Warn(filter.CreateLogger("Marketplace.Silo"), ParticipantFormat, TimeSpan.FromHours(2));

        Assert.Equal(
            ["00:00:05", "00:00:30", "03:00:00", "02:00:00"],
            sink.Lines.Select(l => l.Stall));
        Assert.Equal(
            [WatchdogFalseAlarmFilter.Category, WatchdogFalseAlarmFilter.Category, WatchdogFalseAlarmFilter.Category, "Marketplace.Silo"],
            sink.Lines.Select(l => l.Category));
    }

    [Fact]
    public void EveryRegisteredProviderIsWrappedAndScopesStillReachIt()
    {
        var services = new ServiceCollection();
        var sink = new RecordingProvider();
        services.AddLogging(b => b.AddProvider(sink));
        WatchdogFalseAlarmFilter.Apply(services);
        using var provider = services.BuildServiceProvider();
        var factory = provider.GetRequiredService<ILoggerFactory>();
        Warn(factory.CreateLogger(WatchdogFalseAlarmFilter.Category), ParticipantFormat, TimeSpan.FromDays(3650));
        // Ages count from Apply, which ran just now: only a stall shorter than that is possible.
        Warn(factory.CreateLogger(WatchdogFalseAlarmFilter.Category), ParticipantFormat, TimeSpan.FromTicks(1));
        Assert.Equal(["00:00:00.0000001"], sink.Lines.Select(l => l.Stall));
        Assert.True(sink.ScopesSet, "the wrapped provider never got the factory's scope provider");
    }

    private static void Warn(ILogger logger, string format, TimeSpan stall) =>
        logger.Log(LogLevel.Warning, new EventId(100000), new List<KeyValuePair<string, object?>>
        {
            new("TimeSinceLastTick", stall),
            new("{OriginalFormat}", format),
        }, null, (state, _) => format.Replace("{TimeSinceLastTick}", stall.ToString(), StringComparison.Ordinal));

    private sealed class RecordingProvider : ILoggerProvider, ISupportExternalScope
    {
        public List<(string Category, string Stall)> Lines { get; } = [];

        public bool ScopesSet { get; private set; }

        public ILogger CreateLogger(string categoryName) => new Recording(this, categoryName);

        public void SetScopeProvider(IExternalScopeProvider scopeProvider) => ScopesSet = true;

        public void Dispose()
        {
        }

        private sealed class Recording(RecordingProvider owner, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                var stall = state is IReadOnlyList<KeyValuePair<string, object?>> values ? values.First(v => v.Key == "TimeSinceLastTick").Value!.ToString()! : "";
                owner.Lines.Add((category, stall));
            }
        }
    }
}
