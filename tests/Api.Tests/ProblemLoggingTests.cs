using Marketplace.Silo.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Xunit;

namespace Marketplace.Api.Tests;

/// <summary>What the problem middleware logs: a fault of the silo (500) at error level with its stack trace; a refusal
/// the silo meant or a cluster condition (503, 504) as one warning line without one; a client's 4xx not at all.</summary>
public sealed class ProblemLoggingTests
{
    [Fact]
    public async Task A_fault_of_the_silo_is_an_error_with_its_exception()
    {
        var log = await LogOfAsync(new InvalidOperationException("a bug"));
        var entry = Assert.Single(log);
        Assert.Equal(LogLevel.Error, entry.Level);
        Assert.NotNull(entry.Exception);
    }

    [Fact]
    public async Task A_refusal_or_cluster_condition_is_one_warning_without_a_stack_trace()
    {
        foreach (var failure in new Exception[]
        {
            new ApiProblemException(ProblemCodes.Unavailable, "Too many signed requests are in flight to remember their nonces; retry shortly."),
            new Marketplace.Grains.ClusterStorageUnavailableException("the cluster's storage did not answer"),
            new TimeoutException("Response did not arrive on time"),
        })
        {
            var entry = Assert.Single(await LogOfAsync(failure));
            Assert.Equal(LogLevel.Warning, entry.Level);
            Assert.Null(entry.Exception);
            Assert.Contains(failure.Message, entry.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_clients_mistake_is_not_logged()
    {
        Assert.Empty(await LogOfAsync(new ApiProblemException(ProblemCodes.Unauthorized, "The API key is not valid.")));
        Assert.Empty(await LogOfAsync(new ApiProblemException(ProblemCodes.RateLimited, "Too many requests for this API key; try again in 1 s.")));
    }

    private static async Task<List<(LogLevel Level, string Message, Exception? Exception)>> LogOfAsync(Exception failure)
    {
        var logger = new RecordingLogger();
        var middleware = new ProblemMiddleware(_ => throw failure, logger);
        var context = new DefaultHttpContext();
        context.Request.Method = "POST";
        context.Request.Path = "/v1/jobs";
        context.Connection.Id = "problem-logging-test";
        context.Response.Body = new MemoryStream();
        await middleware.InvokeAsync(context);
        return logger.Entries;
    }

    private sealed class RecordingLogger : ILogger<ProblemMiddleware>
    {
        public List<(LogLevel Level, string Message, Exception? Exception)> Entries { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Entries.Add((logLevel, formatter(state, exception), exception));
    }
}
