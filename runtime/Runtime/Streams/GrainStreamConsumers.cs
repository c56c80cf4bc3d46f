using System.Runtime.CompilerServices;

namespace Marketplace.Runtime.Streams;

/// <summary>
/// The observers attached in one activation, by subscription id. A new activation starts empty, so after a deactivation
/// the grain re-attaches with <c>ResumeAsync</c> (as in Orleans). Touched from the activation's turns only.
/// </summary>
internal sealed class GrainStreamConsumers
{
    private static readonly ConditionalWeakTable<IGrainContext, GrainStreamConsumers> Tables = new();

    private readonly Dictionary<Guid, object> _observers = [];

    public static GrainStreamConsumers For(IGrainContext context) => Tables.GetValue(context, static _ => new GrainStreamConsumers());

    public bool TryGet(Guid handleId, out object observer)
    {
        lock (_observers)
        {
            return _observers.TryGetValue(handleId, out observer!);
        }
    }

    public void Set(Guid handleId, object observer)
    {
        lock (_observers)
        {
            _observers[handleId] = observer;
        }
    }

    public void Remove(Guid handleId)
    {
        lock (_observers)
        {
            _observers.Remove(handleId);
        }
    }
}
