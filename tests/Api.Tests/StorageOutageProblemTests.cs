using System.Data.Common;
using System.Text.Json;
using Marketplace.Silo.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace Marketplace.Api.Tests;

/// <summary>A request that fails because the cluster's database did not answer (PostgreSQL killed and restarting, as
/// the chaos run's <c>postgres</c> round does) gets 503 <c>unavailable</c>, retriable, never a 500.</summary>
public sealed class StorageOutageProblemTests
{
    [Theory]
    [InlineData("direct")]
    [InlineData("wrapped")]
    [InlineData("wrapped twice")]
    public async Task ADatabaseFailureIsServiceUnavailable(string shape)
    {
        Exception failure = new UnreachableDatabaseException();
        if (shape != "direct")
        {
            failure = new OrleansException("Error from storage provider during WriteStateAsync", failure);
        }

        if (shape == "wrapped twice")
        {
            failure = new InvalidOperationException("activation failed", failure);
        }

        var (status, code) = await AnswerAsync(failure);
        Assert.Equal((503, "unavailable"), (status, code));
    }

    [Fact]
    public async Task AServiceUnavailableAnswerSaysWhenToTryAgain()
    {
        var context = await ContextAsync(new UnreachableDatabaseException());
        Assert.Equal(503, context.Response.StatusCode);
        Assert.Equal("1", context.Response.Headers.RetryAfter.ToString());

        var internalError = await ContextAsync(new InvalidOperationException("a bug"));
        Assert.Equal(500, internalError.Response.StatusCode);
        Assert.False(internalError.Response.Headers.ContainsKey("Retry-After"));
    }

    [Fact]
    public async Task AStoredRecordChangedUnderAWriteAndAStorageOutageFromAnotherSiloAreServiceUnavailable()
    {
        Assert.Equal((503, "unavailable"), await AnswerAsync(new Orleans.Storage.InconsistentStateException("Version conflict (WriteState)", "", "")));
        Assert.Equal((503, "unavailable"), await AnswerAsync(new Marketplace.Grains.ClusterStorageUnavailableException("the cluster's storage did not answer")));
        Assert.Equal((503, "unavailable"), await AnswerAsync(new Marketplace.Persistence.PostgreSql.PostgreSqlGrainDirectoryException("Lookup", "57P01", "terminating connection due to administrator command")));
    }

    [Fact]
    public async Task AnyOtherFailureStaysInternal()
    {
        var (status, code) = await AnswerAsync(new InvalidOperationException("a bug"));
        Assert.Equal((500, "internal"), (status, code));
    }

    private static async Task<(int Status, string Code)> AnswerAsync(Exception failure)
    {
        var context = await ContextAsync(failure);
        Assert.Equal("application/problem+json", context.Response.ContentType);
        using var problem = JsonDocument.Parse(((MemoryStream)context.Response.Body).ToArray());
        return (context.Response.StatusCode, problem.RootElement.GetProperty("code").GetString()!);
    }

    private static async Task<DefaultHttpContext> ContextAsync(Exception failure)
    {
        var middleware = new ProblemMiddleware(_ => throw failure, NullLogger<ProblemMiddleware>.Instance);
        var context = new DefaultHttpContext();
        context.Request.Method = "POST";
        context.Request.Path = "/v1/jobs";
        context.Connection.Id = "storage-outage-test";
        var body = new MemoryStream();
        context.Response.Body = body;
        await middleware.InvokeAsync(context);
        return context;
    }

    private sealed class UnreachableDatabaseException() : DbException("Failed to connect to 172.28.0.10:5432");
}
