using Marketplace.GrainInterfaces;

namespace Marketplace.Grains.Tests.Programs;

/// <summary>
/// Makes another writer commit to a program's state at the exact moment a run has read its snapshot: armed for one
/// program, the first snapshot read of that program's state grain returns only after the competing commit landed,
/// so the run starts on a version that is already stale, with no timing involved.
/// </summary>
internal sealed class CompetingStateCommit(IServiceProvider services) : IOutgoingGrainCallFilter
{
    private readonly object _gate = new();
    private (string ProgramId, long ExpectedVersion, List<StateWrite> Writes)? _armed;
    private TaskCompletionSource<StateCommitResult>? _landed;

    /// <summary>Arms the commit for <paramref name="programId"/>; the task completes with its result.</summary>
    public Task<StateCommitResult> ArmAsync(string programId, long expectedVersion, List<StateWrite> writes)
    {
        lock (_gate)
        {
            _armed = (programId, expectedVersion, writes);
            _landed = new TaskCompletionSource<StateCommitResult>(TaskCreationOptions.RunContinuationsAsynchronously);
            return _landed.Task;
        }
    }

    public async Task Invoke(IOutgoingGrainCallContext context)
    {
        await context.Invoke();
        if (context.InterfaceMethod?.DeclaringType != typeof(IProgramStateGrain)
            || context.InterfaceMethod?.Name is not (nameof(IProgramStateGrain.GetSnapshotAsync) or nameof(IProgramStateGrain.GetSnapshotIfChangedAsync) or nameof(IProgramStateGrain.GetChangesAsync)))
        {
            return;
        }

        (string ProgramId, long ExpectedVersion, List<StateWrite> Writes) armed;
        TaskCompletionSource<StateCommitResult> landed;
        lock (_gate)
        {
            if (_armed is not { } a || _landed is null || context.TargetId.Key.ToString() != a.ProgramId)
            {
                return;
            }

            (armed, landed) = (a, _landed);
            _armed = null;
        }

        var grains = (IGrainFactory)services.GetService(typeof(IGrainFactory))!;
        var result = await grains.GetGrain<IProgramStateGrain>(armed.ProgramId).CommitAsync(armed.ExpectedVersion, armed.Writes);
        landed.SetResult(result);
    }
}
