using System.Net.Sockets;
using Marketplace.Cli;
using Marketplace.GrainInterfaces;
using Marketplace.Sdk;
using Orleans.Runtime.Messaging;
using Xunit;

namespace Marketplace.Api.Tests.Cli;

/// <summary>Every typed marketplace error and every transport failure maps to one error line and a documented exit
/// code; anything else is a bug and is not mapped (it propagates).</summary>
public sealed class ErrorReportTests
{
    // The documented exit code of every stable error code (cli/README.md). A new error type in grain-interfaces
    // fails EveryMarketplaceErrorHasADocumentedExitCode until it is added here and to the README.
    private static readonly Dictionary<string, int> Documented = new(StringComparer.Ordinal)
    {
        ["blob_not_found"] = 2,
        ["program_not_found"] = 2,
        ["job_not_found"] = 2,
        ["worker_not_found"] = 2,
        ["deal_not_found"] = 2,
        ["provider_not_found"] = 2,
        ["deal_not_placed"] = 3,
        ["state_not_kept"] = 2,
        ["invalid_request"] = 3,
        ["program_rejected"] = 3,
        ["worker_rejected"] = 3,
        ["blob_empty"] = 3,
        ["blob_too_large"] = 3,
        ["job_conflict"] = 3,
        ["request_id_conflict"] = 3,
        ["quota_exceeded"] = 3,
        ["insufficient_funds"] = 3,
        ["settlement_conflict"] = 3,
        ["amount_overflow"] = 3,
        ["evidence_invalid"] = 3,
        ["blob_access_list_full"] = 3,
        ["forbidden"] = 4,
        ["gateway_refused"] = 4,
        ["unauthorized"] = 4,
        ["blob_integrity"] = 6,
        ["blob_store_failed"] = 10,
        ["storage_unavailable"] = 10,
    };

    public static TheoryData<string> MarketplaceErrorTypes()
    {
        var data = new TheoryData<string>();
        foreach (var type in typeof(MarketplaceException).Assembly.GetTypes())
        {
            if (type.IsSubclassOf(typeof(MarketplaceException)) && !type.IsAbstract)
            {
                data.Add(type.FullName!);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(MarketplaceErrorTypes))]
    public void EveryMarketplaceErrorHasADocumentedExitCode(string typeName)
    {
        var type = typeof(MarketplaceException).Assembly.GetType(typeName, throwOnError: true)!;
        var error = (MarketplaceException)Activator.CreateInstance(type, "what went wrong")!;
        var report = ErrorReport.From(error, "http://127.0.0.1:8080");
        Assert.NotNull(report);
        Assert.True(Documented.TryGetValue(error.Code, out var expected), $"code {error.Code} of {type.Name} has no documented exit code");
        Assert.Equal(expected, report.Value.ExitCode);
        Assert.Equal($"error {error.Code}: what went wrong", report.Value.Line);
    }

    [Fact]
    public void CodesFromOtherTransportsGroupByMeaning()
    {
        Assert.Equal(ExitCodes.NotFound, ErrorReport.ExitCodeOf("something_not_found"));
        Assert.Equal(ExitCodes.Auth, ErrorReport.ExitCodeOf("unauthorized"));
        Assert.Equal(ExitCodes.Server, ErrorReport.ExitCodeOf("internal"));
        Assert.Equal(ExitCodes.Rejected, ErrorReport.ExitCodeOf("some_new_rule"));
    }

    [Fact]
    public void UnreachableGatewayNamesTheAddress()
    {
        var report = ErrorReport.From(new SiloUnavailableException("No gateway.\nGateway 127.0.0.1:1 refused."), "gateway 127.0.0.1:1")!.Value;
        Assert.Equal(ExitCodes.Connection, report.ExitCode);
        Assert.Equal("error unreachable: cannot reach the marketplace at gateway 127.0.0.1:1: No gateway.; Gateway 127.0.0.1:1 refused.", report.Line);
    }

    [Fact]
    public void UnreachableHttpServerNamesTheAddressAndTheCause()
    {
        var error = new HttpRequestException("Connection refused (127.0.0.1:1)", new SocketException((int)SocketError.ConnectionRefused));
        var report = ErrorReport.From(error, "http://127.0.0.1:1")!.Value;
        Assert.Equal(ExitCodes.Connection, report.ExitCode);
        Assert.StartsWith("error unreachable: cannot reach the marketplace at http://127.0.0.1:1: ", report.Line, StringComparison.Ordinal);
    }

    [Fact]
    public void LostConnectionAndTimeoutAreConnectionFailures()
    {
        Assert.Equal(("unreachable", ExitCodes.Connection), Pair(new ConnectionFailedException("the gateway closed the connection")));
        Assert.Equal(("timeout", ExitCodes.Connection), Pair(new TimeoutException("30 s")));
    }

    [Fact]
    public void WaitTimeoutHasItsOwnExitCode()
    {
        var job = new JobInfo { JobId = "job" + new string('0', 32), Status = JobStatus.Running };
        var report = ErrorReport.From(new JobWaitTimeoutException(job, TimeSpan.FromSeconds(2)), "x")!.Value;
        Assert.Equal(ExitCodes.WaitTimeout, report.ExitCode);
        Assert.Equal($"error wait_timeout: Job {job.JobId} is still running after 2 s.", report.Line);
    }

    [Fact]
    public void ServerSideRuntimeFailuresAreServerErrors()
    {
        Assert.Equal(("server_error", ExitCodes.Server), Pair(new OrleansException("no grain for IJobGrain")));
        Assert.Equal(("unreachable", ExitCodes.Connection), Pair(new SiloUnavailableException("no gateway")));
    }

    [Fact]
    public void BugsAreNotMapped()
    {
        Assert.Null(ErrorReport.From(new InvalidOperationException("bug"), "x"));
        Assert.Null(ErrorReport.From(new NullReferenceException(), "x"));
    }

    private static (string, int) Pair(Exception e)
    {
        var report = ErrorReport.From(e, "gateway 127.0.0.1:1")!.Value;
        return (report.Code, report.ExitCode);
    }
}
