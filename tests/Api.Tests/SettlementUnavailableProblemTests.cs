using Marketplace.GrainInterfaces;
using Marketplace.Silo.Api;
using Microsoft.AspNetCore.Http;
using Xunit;

namespace Marketplace.Api.Tests;

/// <summary>The settlement chain not answering is a transient 503, never a 500: a paid submit sent again with the same
/// request id takes its escrow up again.</summary>
public sealed class SettlementUnavailableProblemTests
{
    [Fact]
    public void The_settlement_chain_not_answering_is_unavailable_with_the_retry_advice()
    {
        var (code, detail, _) = ProblemMiddleware.Classify(
            new ChainSettlementUnavailableException("the settlement chain did not answer (ChainTransportException): connection refused"),
            new DefaultHttpContext());
        Assert.Equal("unavailable", code);
        Assert.Equal(503, ProblemCodes.StatusFor(code));
        Assert.Contains("same request id", detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_failure_of_the_orleans_runtime_is_unavailable_not_internal()
    {
        var (code, _, _) = ProblemMiddleware.Classify(new OrleansException("activation lost with its silo"), new DefaultHttpContext());
        Assert.Equal("unavailable", code);
        var (other, _, _) = ProblemMiddleware.Classify(new InvalidOperationException("a defect"), new DefaultHttpContext());
        Assert.Equal("internal", other);
    }
}
