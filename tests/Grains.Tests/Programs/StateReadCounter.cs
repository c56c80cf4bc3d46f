using Marketplace.GrainInterfaces;

namespace Marketplace.Grains.Tests.Programs;

/// <summary>Counts the reads of one program's state grain by kind: whole snapshots, whole past versions, and changes.</summary>
internal sealed class StateReadCounter : IOutgoingGrainCallFilter
{
    private string? _programId;
    private int _wholeReads;
    private int _pastReads;
    private int _changes;

    public int WholeReads => Volatile.Read(ref _wholeReads);

    public int PastReads => Volatile.Read(ref _pastReads);

    public int Changes => Volatile.Read(ref _changes);

    /// <summary>Counts the calls to <paramref name="programId"/>'s state grain from now on.</summary>
    public void Watch(string programId) => Volatile.Write(ref _programId, programId);

    public async Task Invoke(IOutgoingGrainCallContext context)
    {
        await context.Invoke();
        if (context.InterfaceMethod?.DeclaringType != typeof(IProgramStateGrain) || context.TargetId.Key.ToString() != Volatile.Read(ref _programId))
        {
            return;
        }

        switch (context.InterfaceMethod.Name)
        {
            case nameof(IProgramStateGrain.GetSnapshotAsync) or nameof(IProgramStateGrain.GetSnapshotIfChangedAsync):
                Interlocked.Increment(ref _wholeReads);
                break;
            case nameof(IProgramStateGrain.GetSnapshotAtRootAsync):
                Interlocked.Increment(ref _pastReads);
                break;
            case nameof(IProgramStateGrain.GetChangesAsync):
                Interlocked.Increment(ref _changes);
                break;
        }
    }
}
