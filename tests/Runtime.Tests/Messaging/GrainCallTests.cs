using Marketplace.Runtime.Tests.Grains;
using Xunit;

namespace Marketplace.Runtime.Tests.Messaging;

public sealed class GrainCallTests : IAsyncLifetime
{
    private TestSilo _silo = null!;

    public async Task InitializeAsync() => _silo = await TestSilo.StartAsync();

    public async Task DisposeAsync() => await _silo.DisposeAsync();

    [Fact]
    public async Task ExceptionsReachTheCallerWithTypeAndMessage()
    {
        var grain = _silo.Grains.GetGrain<IBehaviourGrain>("throw");
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => grain.Throw("bad input 42"));
        Assert.Equal("bad input 42", error.Message);
        var custom = await Assert.ThrowsAsync<CustomGrainException>(() => grain.ThrowCustom("custom 7"));
        Assert.Equal("custom 7", custom.Message);
        Assert.Equal(5, await grain.Add(2, 3));
    }

    [Fact]
    public async Task ValueTaskMethodsWork()
    {
        var grain = _silo.Grains.GetGrain<IBehaviourGrain>("vt");
        Assert.Equal(7, await grain.Add(3, 4));
        await grain.Nothing();
    }

    [Fact]
    public async Task ResponseTimeoutAttributeFailsTheCallWithTimeoutException()
    {
        var grain = _silo.Grains.GetGrain<IBehaviourGrain>("hang");
        var error = await Assert.ThrowsAsync<TimeoutException>(() => grain.Hang(5_000));
        Assert.Contains("IBehaviourGrain/Hang", error.Message, StringComparison.Ordinal);
        Assert.Contains("00:00:00.3", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DefaultResponseTimeoutComesFromConfiguration()
    {
        await using var silo = await TestSilo.StartAsync(settings: new Dictionary<string, string?> { ["Marketplace:Messaging:ResponseTimeout"] = "00:00:00.200" });
        var grain = silo.Grains.GetGrain<ITurnGrain>("slow");
        await Assert.ThrowsAsync<TimeoutException>(() => grain.ReadSlow(3_000));
    }

    [Fact]
    public async Task OneWayCallsReturnBeforeTheWorkAndNeverThrow()
    {
        var grain = _silo.Grains.GetGrain<IBehaviourGrain>("oneway");
        var call = grain.FireAndForget(300, fail: false);
        Assert.True(call.IsCompletedSuccessfully);
        await grain.FireAndForget(0, fail: true);
        Assert.Equal(1, await grain.FireCount());
    }

    [Fact]
    public async Task RequestContextFlowsToCalleesButNotBack()
    {
        var a = _silo.Grains.GetGrain<IBehaviourGrain>("ctx-a");
        var b = _silo.Grains.GetGrain<IBehaviourGrain>("ctx-b");
        RequestContext.Set("tenant", "acme");
        try
        {
            Assert.Equal("acme", await a.GetContextValue("tenant"));
            Assert.Equal("acme", await a.GetContextValueVia(b, "tenant"));
            Assert.Equal("x", await a.GetContextValueVia(b, "callee-set"));
            Assert.Null(RequestContext.Get("callee-set"));
        }
        finally
        {
            RequestContext.Clear();
        }

        Assert.Null(await a.GetContextValue("tenant"));
    }

    [Fact]
    public async Task MutableArgumentsAndResultsAreCopied()
    {
        var grain = _silo.Grains.GetGrain<IBehaviourGrain>("copy");
        var payload = new Payload { Items = [1, 2], Note = "original" };
        var result = await grain.Mutate(payload);
        Assert.Equal([1, 2], payload.Items);
        Assert.Equal("original", payload.Note);
        Assert.Equal([1, 2, 99], result.Items);
        Assert.NotSame(payload, result);
    }

    [Fact]
    public async Task PreCancelledTokenDoesNotSendTheCall()
    {
        var grain = _silo.Grains.GetGrain<IBehaviourGrain>("cancel");
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => grain.Echo(1, cts.Token));
        Assert.Equal(2, await grain.Echo(2, CancellationToken.None));
    }

    [Fact]
    public async Task RunningMethodObservesCancellation()
    {
        var grain = _silo.Grains.GetGrain<IBehaviourGrain>("cancel-running");
        // Activate first: on a loaded machine activation alone can outlast the timeout, and a token cancelled before
        // the call is delivered fails the call instead of reaching the running method (the case tested above).
        Assert.Equal(1, await grain.Echo(1, CancellationToken.None));
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        Assert.True(await grain.WaitForCancellation(cts.Token));
    }

    [Fact]
    public async Task GrainReferencesCanBePassedAndReturned()
    {
        var a = _silo.Grains.GetGrain<IBehaviourGrain>("ref-a");
        var b = _silo.Grains.GetGrain<IBehaviourGrain>("ref-b");
        var self = await a.Self();
        Assert.Equal(a.GetGrainId(), self.GetGrainId());
        Assert.Equal(a, self);
        Assert.Equal("42", await self.CallThrough(b));
    }

    [Fact]
    public async Task KeysRoundTripThroughGrainIds()
    {
        var guid = Guid.NewGuid();
        Assert.Equal($"keys-test|{guid:N}|ext", await _silo.Grains.GetGrain<IKeysGrain>(guid, "ext").Describe());
        Assert.Equal("intkey|-17|x+y", await _silo.Grains.GetGrain<IIntKeyGrain>(-17, "x+y").Describe());
    }

    [Fact]
    public async Task ResultWithoutCodecFailsTheCallAndKeepsTheGrainUsable()
    {
        var grain = _silo.Grains.GetGrain<IBehaviourGrain>("nocodec");
        var error = await Assert.ThrowsAsync<GrainSerializationException>(() => grain.NoCodec());
        Assert.Contains("NoCodecResult", error.Message, StringComparison.Ordinal);
        Assert.Equal(3, await grain.Add(1, 2));
    }

    [Fact]
    public void GetGrainIsLocalAndNeverFails()
    {
        var reference = _silo.Grains.GetGrain<IBehaviourGrain>("never-called-" + Guid.NewGuid());
        Assert.Equal("behaviour", reference.GetGrainId().Type);
    }
}
