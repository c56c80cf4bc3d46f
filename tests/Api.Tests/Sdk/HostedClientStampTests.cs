using System.Reflection;
using Marketplace.GrainInterfaces;
using Marketplace.Silo.Gateway;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Serialization.Invocation;
using Xunit;

namespace Marketplace.Api.Tests.Sdk;

/// <summary>
/// A call that names a silo's own hosted client as its source runs only with the cluster's stamp: a gateway client
/// that writes its own Orleans messages and claims to be the HTTP API's client gets nothing done. Grain-to-grain calls
/// need neither stamp nor token.
/// </summary>
public sealed class HostedClientStampTests
{
    private static readonly GrainId HostedClient = GrainId.Create(GrainTypePrefix.ClientGrainType, "hosted-S127.0.0.1:11111:123456");

    [Fact]
    public async Task A_call_claiming_a_hosted_client_runs_only_with_the_clusters_stamp()
    {
        var filter = NewFilter(out var stamp);
        var forged = new FakeCallContext(HostedClient);
        var refused = await Assert.ThrowsAsync<GatewayRefusedException>(() => filter.Invoke(forged));
        Assert.Contains("lacks the cluster's stamp", refused.Message, StringComparison.Ordinal);
        Assert.False(forged.Invoked);

        RequestContext.Set(SiloCallStamp.Key, "a-guess-of-the-stamp-0000000000000000000000=");
        try
        {
            await Assert.ThrowsAsync<GatewayRefusedException>(() => filter.Invoke(forged));
            RequestContext.Set(SiloCallStamp.Key, stamp.Value);
            var genuine = new FakeCallContext(HostedClient);
            await filter.Invoke(genuine);
            Assert.True(genuine.Invoked);
        }
        finally
        {
            RequestContext.Clear();
        }
    }

    [Fact]
    public async Task A_grain_to_grain_call_needs_neither_stamp_nor_token()
    {
        var filter = NewFilter(out _);
        var call = new FakeCallContext(GrainId.Create("jobgrain", "job0123"));
        await filter.Invoke(call);
        Assert.True(call.Invoked);
    }

    private static GatewayCallFilter NewFilter(out SiloCallStamp stamp)
    {
        stamp = SiloCallStamp.ForOneSilo();
        var registry = GatewayServiceRegistry.Load(new ConfigurationBuilder().Build(), null, TextWriter.Null);
        return new GatewayCallFilter(registry, stamp, new ServiceCollection().BuildServiceProvider(), NullLogger<GatewayCallFilter>.Instance);
    }

    private sealed class FakeCallContext(GrainId source) : IIncomingGrainCallContext
    {
        public bool Invoked { get; private set; }

        public IInvokable Request => throw new NotSupportedException();

        public object Grain => throw new NotSupportedException();

        public GrainId? SourceId => source;

        public GrainId TargetId => GrainId.Create("jobgrain", "job0456");

        public GrainInterfaceType InterfaceType => default;

        public string InterfaceName => "IJobGrain";

        public string MethodName => "GetAsync";

        public MethodInfo InterfaceMethod => typeof(IJobGrain).GetMethod(nameof(IJobGrain.GetAsync))!;

        public object? Result { get; set; }

        public Response? Response { get; set; }

        public IGrainContext TargetContext => throw new NotSupportedException();

        public MethodInfo ImplementationMethod => InterfaceMethod;

        public Task Invoke()
        {
            Invoked = true;
            return Task.CompletedTask;
        }
    }
}
