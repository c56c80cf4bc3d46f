using System.Net;
using System.Net.Sockets;
using System.Text;
using Marketplace.Chain.Abi;
using Marketplace.Chain.Rpc;
using Xunit;

namespace Marketplace.Chain.Tests.Rpc;

/// <summary>Every way a node can fail maps to a typed error, and nothing hangs.</summary>
public sealed class EvmRpcClientErrorTests
{
    private static readonly Uri Endpoint = new("http://127.0.0.1:1/");

    [Fact]
    public async Task AnErrorObjectBecomesChainRpcExceptionWithCodeMessageAndData()
    {
        var rpc = Client(_ => Json("""{"jsonrpc":"2.0","id":1,"error":{"code":-32003,"message":"nonce too low","data":{"x":1}}}"""));
        var error = await Assert.ThrowsAsync<ChainRpcException>(() => rpc.GetBlockNumberAsync());
        Assert.Equal(-32003, error.Code);
        Assert.Equal("nonce too low", error.RpcMessage);
        Assert.Equal("""{"x":1}""", error.ErrorData);
        Assert.True(error.IsNonceTooLow);
        Assert.False(error.IsFeeTooLow);
        Assert.Equal("eth_blockNumber", error.Method);
    }

    [Theory]
    [InlineData("max fee per gas less than block base fee", true)]
    [InlineData("fee cap less than block base fee", true)]
    [InlineData("replacement transaction underpriced", true)]
    [InlineData("transaction underpriced", true)]
    [InlineData("insufficient funds for gas * price + value", false)]
    [InlineData("nonce too low", false)]
    public void A_refusal_for_fees_is_told_apart_from_other_refusals(string message, bool feeTooLow) =>
        Assert.Equal(feeTooLow, new ChainRpcException("eth_sendRawTransaction", -32003, message, null).IsFeeTooLow);

    [Fact]
    public async Task ARevertFromEthCallIsDecoded()
    {
        var data = Hex.Encode(AbiError.ErrorString.Encode("no"));
        var rpc = Client(_ => Json("""{"jsonrpc":"2.0","id":1,"error":{"code":3,"message":"execution reverted: no","data":"DATA"}}""".Replace("DATA", data, StringComparison.Ordinal)));
        var error = await Assert.ThrowsAsync<ContractRevertException>(() => rpc.CallAsync(new CallRequest()));
        Assert.Equal(RevertKind.ErrorString, error.Reason.Kind);
        Assert.Equal("no", error.Reason.Message);
        Assert.IsType<ChainRpcException>(error.InnerException);
    }

    [Fact]
    public async Task AnHttpErrorWithoutJsonIsATransportError()
    {
        var rpc = Client(_ => new HttpResponseMessage(HttpStatusCode.BadGateway) { Content = new StringContent("<html>bad gateway</html>") });
        var error = await Assert.ThrowsAsync<ChainTransportException>(() => rpc.GetChainIdAsync());
        Assert.Equal(HttpStatusCode.BadGateway, error.StatusCode);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    [InlineData("""{"jsonrpc":"2.0","id":99,"result":"0x1"}""")]
    [InlineData("""{"jsonrpc":"2.0","id":1}""")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"result":"0x01"}""")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"result":"12"}""")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"result":7}""")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"result":"0x10000000000000000"}""")]
    public async Task AMalformedAnswerIsAFormatError(string body)
    {
        var rpc = Client(_ => Json(body));
        await Assert.ThrowsAsync<ChainFormatException>(() => rpc.GetBlockNumberAsync());
    }

    [Fact]
    public async Task AMalformedReceiptIsAFormatError()
    {
        var rpc = Client(_ => Json("""{"jsonrpc":"2.0","id":1,"result":{"transactionHash":"0x12"}}"""));
        await Assert.ThrowsAsync<ChainFormatException>(() => rpc.GetTransactionReceiptAsync(Hash32.Zero));
    }

    [Fact]
    public async Task AnAnswerOverTheSizeLimitIsRefused()
    {
        var big = """{"jsonrpc":"2.0","id":1,"result":"0x""" + new string('0', 4096) + "\"}";
        var rpc = new EvmRpcClient(new HttpClient(new StubHandler(_ => Json(big))), new EvmRpcClientOptions { Endpoint = Endpoint, MaxResponseBytes = 1024 });
        await Assert.ThrowsAsync<ChainTransportException>(() => rpc.GetBlockNumberAsync());
    }

    [Fact]
    public async Task ARefusedConnectionIsATransportError()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        using var http = new HttpClient();
        var rpc = new EvmRpcClient(http, new EvmRpcClientOptions { Endpoint = new Uri($"http://127.0.0.1:{port}/") });
        await Assert.ThrowsAsync<ChainTransportException>(() => rpc.GetBlockNumberAsync());
    }

    [Fact]
    public async Task ANodeThatNeverAnswersTimesOutInsteadOfHanging()
    {
        // The listener never accepts: the kernel completes the handshake, the request is sent, no answer ever comes.
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            using var http = new HttpClient();
            var rpc = new EvmRpcClient(http, new EvmRpcClientOptions
            {
                Endpoint = new Uri($"http://127.0.0.1:{port}/"),
                RequestTimeout = TimeSpan.FromMilliseconds(200),
            });

            var error = await Assert.ThrowsAsync<ChainTimeoutException>(() => rpc.GetBlockNumberAsync()).WaitAsync(TimeSpan.FromSeconds(60));

            Assert.Equal(TimeSpan.FromMilliseconds(200), error.Timeout);
        }
        finally
        {
            listener.Stop();
        }
    }

    [Fact]
    public async Task CallerCancellationIsNotReportedAsATimeout()
    {
        var rpc = Client(_ => throw new TaskCanceledException());
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => rpc.GetBlockNumberAsync(cancelled.Token));
    }

    [Fact]
    public async Task RequestsAreJsonRpcPostsWithHexParameters()
    {
        string? sent = null;
        var rpc = Client(request =>
        {
            sent = request.Content!.ReadAsStringAsync().Result;
            return Json("""{"jsonrpc":"2.0","id":1,"result":"0x2a"}""");
        });
        var count = await rpc.GetTransactionCountAsync(Marketplace.Crypto.Ethereum.Address.Zero, BlockTag.Pending);
        Assert.Equal(42UL, count);
        Assert.Equal(
            """{"jsonrpc":"2.0","id":1,"method":"eth_getTransactionCount","params":["0x0000000000000000000000000000000000000000","pending"]}""",
            sent);
    }

    private static EvmRpcClient Client(Func<HttpRequestMessage, HttpResponseMessage> answer) =>
        new(new HttpClient(new StubHandler(answer)), new EvmRpcClientOptions { Endpoint = Endpoint, RequestTimeout = TimeSpan.FromSeconds(10) });

    private static HttpResponseMessage Json(string body) =>
        new(HttpStatusCode.OK) { Content = new StringContent(body, Encoding.UTF8, "application/json") };

    private sealed class StubHandler(Func<HttpRequestMessage, HttpResponseMessage> answer) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            return Task.FromResult(answer(request));
        }
    }
}
