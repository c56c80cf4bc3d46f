using Marketplace.Runtime.Invocation;
using Marketplace.Runtime.Messaging;
using Marketplace.Runtime.Serialization;
using Marketplace.Runtime.Tests.Grains;
using Xunit;

namespace Marketplace.Runtime.Tests.Messaging;

public sealed class MessageSerializerTests
{
    [Fact]
    public async Task RequestAndResponseRoundTripThroughTheWireForm()
    {
        await using var silo = await TestSilo.StartAsync();
        var context = (ICodecContext)silo.Grains;
        var method = GrainInterfaceRegistry.FindMethod(StableHash.Of(typeof(IBehaviourGrain).FullName!), MethodId("Add"))!;
        var request = method.CreateRequest();
        request.DeserializeArguments(new CodecReader(Array.Empty<byte>()), 0);

        using (var writer = CodecWriter.Rent(context))
        {
            CodecRegistry.Get<int>().WriteField(writer, 0, 40);
            CodecRegistry.Get<int>().WriteField(writer, 1, 2);
            request.DeserializeArguments(new CodecReader(writer.ToArray(), context), writer.Length);
        }

        var message = new Message
        {
            Id = 12345,
            Direction = MessageDirection.Request,
            Flags = MessageFlags.ReadOnly | MessageFlags.AllowCallChainReentrancy,
            Target = new GrainId("behaviour", "wire"),
            Source = new GrainId("caller", "1"),
            InterfaceId = method.InterfaceId,
            MethodId = method.MethodId,
            RequestContext = new() { ["tenant"] = "acme", ["n"] = 7 },
            CallChain = new CallChainEntry(new GrainId("b", "2"), 9, new CallChainEntry(new GrainId("a", "1"), 8, null)),
            Request = request,
            TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
        };

        var frame = MessageSerializer.ToFrame(message, context);
        Assert.Equal(frame.Length - 4, MessageSerializer.ReadFrameLength(frame));
        var read = MessageSerializer.Read(frame.AsMemory(4), context);
        Assert.Equal(message.Id, read.Id);
        Assert.Equal(message.Flags, read.Flags);
        Assert.Equal(message.Target, read.Target);
        Assert.Equal(message.Source, read.Source);
        Assert.Equal("acme", read.RequestContext!["tenant"]);
        Assert.Equal(7, read.RequestContext["n"]);
        Assert.Equal(["a/1", "b/2"], read.CallChain!.ToList().Select(g => g.ToString()));
        Assert.Equal(message.TraceParent, read.TraceParent);
        MessageSerializer.MaterializeRequest(read, context);
        Assert.Equal(40, read.Request!.GetArgument(0));
        Assert.Equal(2, read.Request.GetArgument(1));

        var grain = silo.Grains.GetGrain<IBehaviourGrain>("wire");
        var response = await ((Request<int>)read.Request).Invoke(new BehaviourGrainForWire());
        var responseMessage = new Message { Id = read.Id, Direction = MessageDirection.Response, Target = read.Target, Response = response };
        var back = MessageSerializer.Read(MessageSerializer.ToFrame(responseMessage, context).AsMemory(4), context);
        var typed = Response.ReadFrom<int>(new CodecReader(back.Body, context), back.Body.Length);
        Assert.Equal(42, ((Response<int>)typed).Value);
        Assert.Equal(42, await grain.Add(40, 2));
    }

    private static uint MethodId(string name) => StableHash.Of(name + "(int,int)");

    /// <summary>A grain instance used only as the target of a directly invoked request.</summary>
    private sealed class BehaviourGrainForWire : IBehaviourGrain
    {
        public ValueTask<int> Add(int a, int b) => new(a + b);

        public Task Throw(string message) => throw new NotSupportedException();
        public Task ThrowCustom(string message) => throw new NotSupportedException();
        public ValueTask Nothing() => throw new NotSupportedException();
        public Task Hang(int milliseconds) => throw new NotSupportedException();
        public Task FireAndForget(int delayMilliseconds, bool fail) => throw new NotSupportedException();
        public Task<int> FireCount() => throw new NotSupportedException();
        public Task<object?> GetContextValue(string key) => throw new NotSupportedException();
        public Task<object?> GetContextValueVia(IBehaviourGrain other, string key) => throw new NotSupportedException();
        public Task<Payload> Mutate(Payload payload) => throw new NotSupportedException();
        public Task<bool> WaitForCancellation(CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<int> Echo(int value, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<IBehaviourGrain> Self() => throw new NotSupportedException();
        public Task<string> CallThrough(IBehaviourGrain other) => throw new NotSupportedException();
        public Task Deactivate() => throw new NotSupportedException();
        public Task<Guid> Identity() => throw new NotSupportedException();
        public Task<NoCodecResult> NoCodec() => throw new NotSupportedException();
    }
}
