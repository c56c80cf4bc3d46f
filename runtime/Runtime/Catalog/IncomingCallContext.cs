using System.Reflection;
using Marketplace.Runtime.Invocation;
using Marketplace.Runtime.Messaging;

namespace Marketplace.Runtime.Catalog;

/// <summary>
/// Runs silo-wide incoming filters, then the grain's own filter (when the grain class implements
/// <see cref="IIncomingGrainCallFilter"/>), then the grain method. Exceptions from the method surface from
/// <see cref="Invoke"/> so filters can observe or replace them.
/// </summary>
internal sealed class IncomingCallContext(Message message, object grain, IIncomingGrainCallFilter[] filters) : IIncomingGrainCallContext
{
    private int _next;
    private Response? _response;
    private bool _resultReplaced;
    private object? _result;

    public IInvokable Request => message.Request!;

    public object Grain => grain;

    public GrainId TargetId => message.Target;

    public GrainId? SourceId => message.Source.IsDefault ? null : message.Source;

    public string InterfaceName => message.Request!.Method.InterfaceName;

    public string MethodName => message.Request!.Method.MethodName;

    public Type InterfaceType => message.Request!.Method.InterfaceType;

    public MethodInfo? InterfaceMethod => InterfaceType.GetMethods().FirstOrDefault(m => m.Name == MethodName);

    public object? Result
    {
        get => _result;
        set
        {
            _result = value;
            _resultReplaced = true;
        }
    }

    public async Task Invoke()
    {
        var index = _next++;
        if (index < filters.Length)
        {
            await filters[index].Invoke(this);
            return;
        }

        if (index == filters.Length && grain is IIncomingGrainCallFilter own)
        {
            await own.Invoke(this);
            return;
        }

        _response = await message.Request!.Invoke(grain);
        if (_response.Exception is { } exception)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(exception).Throw();
        }

        _result = _response.Result;
        _resultReplaced = false;
    }

    public Response ToResponse() =>
        _resultReplaced || _response is null ? message.Request!.CreateResponse(_result) : _response;
}
