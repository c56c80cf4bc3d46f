// The probes during the two transitions an orchestrator cares about. Gates registered by the test only hold the
// silo's start just before it becomes Active, the host's start after every service started, and the host's stop
// just after it began; the test asks the probes while each hold is in place, so nothing depends on timing: the
// silo cannot move on until the test lets it.
using System.Globalization;
using System.Net;
using System.Text.Json;
using Marketplace.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit;

namespace Marketplace.Api.Tests.Health;

/// <summary><c>/v1/health/ready</c> is 503 while the silo starts and while it stops; <c>/v1/health</c> stays 200.</summary>
public sealed class ReadinessLifecycleTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task Readiness_is_503_until_the_host_has_started_and_again_once_it_begins_to_stop()
    {
        var silo = new SiloStartGate();
        var host = new HostStartGate();
        var port = FreeTcpPorts.Next();
        var settings = new Dictionary<string, string?>
        {
            ["Marketplace:Http:Urls"] = "http://127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture),
        };
        var starting = ApiTestSilo.StartAsync(settings, services: s =>
        {
            s.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(silo);
            s.AddSingleton<IHostedService>(host);
        });
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(60) };

        // Held just before the silo becomes Active: ASP.NET Core starts its server after the other hosted services,
        // so nothing listens yet (orchestrators see a refused connection: not ready, and not yet live).
        await silo.Reached.Task.WaitAsync(Bound);
        await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync(new Uri("v1/health", UriKind.Relative)));
        silo.Release.SetResult();

        // Held after every hosted service started (the server listens, the silo is Active) but before the host
        // reports itself started: alive, not ready.
        await host.Reached.Task.WaitAsync(Bound);
        using (var live = await http.GetAsync(new Uri("v1/health", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        }

        var (status, checks) = await ReadyAsync(http);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("starting", checks["silo"]);
        host.Release.SetResult();

        await using var running = await starting.WaitAsync(Bound);
        (status, checks) = await ReadyAsync(http);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("ok", checks["membership"]);
        Assert.Equal("ok", checks["storage"]);
        Assert.Equal("ok", checks["grains"]);

        // Held while the host begins to stop (before the server and the silo stop): still listening, not ready.
        var stopReached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var releaseStop = new ManualResetEventSlim();
        running.App.Lifetime.ApplicationStopping.Register(() =>
        {
            stopReached.TrySetResult();
            releaseStop.Wait(Bound);
        });
        var stopping = Task.Run(() => running.App.StopAsync());
        await stopReached.Task.WaitAsync(Bound);
        (status, checks) = await ReadyAsync(http);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("stopping", checks["silo"]);
        releaseStop.Set();
        await stopping.WaitAsync(Bound);
        releaseStop.Dispose();
    }

    private static async Task<(HttpStatusCode Status, Dictionary<string, string> Checks)> ReadyAsync(HttpClient http)
    {
        using var response = await http.GetAsync(new Uri("v1/health/ready", UriKind.Relative));
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var checks = body.RootElement.GetProperty("checks").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
        return (response.StatusCode, checks);
    }

    /// <summary>Holds the silo's start just before it becomes Active, until released.</summary>
    private sealed class SiloStartGate : ILifecycleParticipant<ISiloLifecycle>
    {
        public TaskCompletionSource Reached { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Participate(ISiloLifecycle lifecycle) =>
            lifecycle.Subscribe("readiness-test", ServiceLifecycleStage.BecomeActive - 1, async _ =>
            {
                Reached.TrySetResult();
                await Release.Task;
            });
    }

    /// <summary>Holds the host after every hosted service started and before it reports itself started.</summary>
    private sealed class HostStartGate : IHostedLifecycleService
    {
        public TaskCompletionSource Reached { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public async Task StartedAsync(CancellationToken cancellationToken)
        {
            Reached.TrySetResult();
            await Release.Task;
        }

        public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
