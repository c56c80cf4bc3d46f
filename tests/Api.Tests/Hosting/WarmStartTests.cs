using System.Collections.Concurrent;
using Marketplace.GrainInterfaces;
using Marketplace.Silo.Api;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace Marketplace.Api.Tests.Hosting;

/// <summary>Before its HTTP listener binds, a silo sends its warm-start requests through its own pipeline in memory:
/// refused or read-only, as a reserved client, bounded in time, and leaving no job behind.</summary>
public sealed class WarmStartTests
{
    [Fact]
    public async Task A_silo_warms_its_pipeline_before_it_listens_and_leaves_no_job_behind()
    {
        var log = new RecordingProvider();
        await using var silo = await ApiTestSilo.StartAsync(services: s => s.AddSingleton<ILoggerProvider>(log));

        var warmed = log.Events.FirstOrDefault(e => e.Id == 6011);
        Assert.NotNull(warmed.Message);
        // Health, readiness (still starting: the host has not reported started), the job list, the submission refused
        // for its missing input blob, the read of the job it did not create.
        Assert.Contains("5 requests", warmed.Message, StringComparison.Ordinal);
        Assert.Contains("statuses 200, 503, 200, 404, 404", warmed.Message, StringComparison.Ordinal);
        var listening = log.Events.FindIndex(e => e.Id == 6004);
        Assert.True(listening > log.Events.IndexOf(warmed), "the warm start is logged before the silo says it listens");

        var grains = silo.App.Services.GetRequiredService<IGrainFactory>();
        var job = grains.GetGrain<IJobGrain>(JobIds.For(WarmStartClient.ClientId, "warm-start"));
        await Assert.ThrowsAsync<JobNotFoundException>(() => job.GetAsync(WarmStartClient.ClientId));
        var page = await grains.GetGrain<IClientJobsGrain>(WarmStartClient.ClientId).ListAsync(null, null, 10);
        Assert.Empty(page.Jobs);

        // The API serves real clients as before.
        using var http = silo.NewHttpClient(ApiTestSilo.AliceKey);
        using var response = await http.GetAsync(new Uri("v1/jobs", UriKind.Relative));
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Every_request_goes_through_the_pipeline_before_the_server_binds()
    {
        var inner = new RecordingServer();
        var application = new RecordingApplication(inner);
        using var server = Wrap(inner, TimeSpan.FromSeconds(30));

        await server.StartAsync(application, CancellationToken.None);

        Assert.True(inner.Started);
        Assert.Equal(WarmStartRequest.All.Count, application.Requests.Count);
        Assert.All(application.Requests, r => Assert.False(r.ServerStarted, $"{r.Method} {r.Path} was sent after the server bound"));
        Assert.All(application.Requests, r => Assert.True(r.AsWarmStartClient));
        Assert.Equal(("GET", "/v1/jobs", "?limit=1"), (application.Requests[2].Method, application.Requests[2].Path, application.Requests[2].Query));
        Assert.Equal(("POST", "application/json"), (application.Requests[3].Method, application.Requests[3].ContentType));
    }

    [Fact]
    public async Task A_request_that_never_answers_does_not_keep_the_server_from_binding()
    {
        var inner = new RecordingServer();
        var application = new RecordingApplication(inner) { Hang = true };
        using var server = Wrap(inner, TimeSpan.FromMilliseconds(50));

        await server.StartAsync(application, CancellationToken.None).WaitAsync(TimeSpan.FromMinutes(1));

        Assert.True(inner.Started);
        Assert.Single(application.Requests);
    }

    [Fact]
    public async Task A_zero_bound_turns_the_warm_start_off()
    {
        var inner = new RecordingServer();
        var application = new RecordingApplication(inner);
        using var server = Wrap(inner, TimeSpan.Zero);

        await server.StartAsync(application, CancellationToken.None);

        Assert.True(inner.Started);
        Assert.Empty(application.Requests);
    }

    [Fact]
    public void Registering_wraps_the_server_registered_before()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IServer, RecordingServer>();
        services.AddSingleton(Microsoft.Extensions.Options.Options.Create(new ApiOptions()));
        services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);

        WarmStartServer.Register(services);

        using var provider = services.BuildServiceProvider();
        Assert.IsType<WarmStartServer>(provider.GetRequiredService<IServer>());
        Assert.Single(services, d => d.ServiceType == typeof(IServer));
    }

    private static WarmStartServer Wrap(IServer inner, TimeSpan bound) =>
        new(inner, Microsoft.Extensions.Options.Options.Create(new ApiOptions { WarmStartTimeout = bound }), NullLoggerFactory.Instance);

    private sealed class RecordingServer : IServer
    {
        public bool Started { get; private set; }

        public IFeatureCollection Features { get; } = new FeatureCollection();

        public Task StartAsync<TContext>(IHttpApplication<TContext> application, CancellationToken cancellationToken)
            where TContext : notnull
        {
            Started = true;
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public void Dispose()
        {
        }
    }

    private sealed record SeenRequest(string Method, string Path, string Query, string? ContentType, bool AsWarmStartClient, bool ServerStarted);

    private sealed class RecordingApplication(RecordingServer server) : IHttpApplication<IFeatureCollection>
    {
        public bool Hang { get; init; }

        public List<SeenRequest> Requests { get; } = [];

        public IFeatureCollection CreateContext(IFeatureCollection contextFeatures) => contextFeatures;

        public Task ProcessRequestAsync(IFeatureCollection context)
        {
            var request = context.Get<IHttpRequestFeature>()!;
            Requests.Add(new SeenRequest(request.Method, request.Path, request.QueryString, request.Headers.ContentType.ToString() is { Length: > 0 } type ? type : null,
                context.Get<WarmStartClient>() is not null, server.Started));
            if (Hang)
            {
                return new TaskCompletionSource().Task;
            }

            context.Get<IHttpResponseFeature>()!.StatusCode = 200;
            return Task.CompletedTask;
        }

        public void DisposeContext(IFeatureCollection context, Exception? exception)
        {
        }
    }

    private sealed class RecordingProvider : ILoggerProvider
    {
        private readonly ConcurrentQueue<(int Id, string Message)> _events = new();

        public List<(int Id, string Message)> Events => [.. _events];

        public ILogger CreateLogger(string categoryName) => new Logger(this);

        public void Dispose()
        {
        }

        private sealed class Logger(RecordingProvider owner) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                owner._events.Enqueue((eventId.Id, formatter(state, exception)));
        }
    }
}
