// Design note: the catalog used to be this grain's one record holding every deployed program, rewritten on every
// deploy. Now each name is a grain of its own (ProgramNameGrain: versions, owner, delegates) and this grain keeps only
// the index of names, sorted, so the catalog lists page by page; it is written only when a new name appears.
// Upgrading a silo whose storage still holds the old record: on activation this grain adds the record's names to the
// index and keeps its programs in memory; a name grain that has never stored a record asks for its name's programs
// when it activates (GetLegacyVersionsAsync, which interleaves), so every read is right from the first call. A timer
// then activates every such name grain, a few at a time, and when all have stored their own record empties the old
// list (one write). A crash before that repeats the move on the next activation; name grains that already stored
// their record ignore it.
using Marketplace.GrainInterfaces;
using Microsoft.Extensions.Logging;

namespace Marketplace.Grains.Programs;

/// <summary>The persisted catalog.</summary>
[GenerateSerializer]
[Alias("marketplace.program-catalog-record")]
internal sealed class ProgramCatalogRecord
{
    /// <summary>Every program, as the single record of earlier versions held them (deploy order); empty once they are
    /// moved to their name grains.</summary>
    [Id(0)]
    public List<ProgramInfo> Programs { get; set; } = [];

    /// <summary>The normalized names, ordinal order.</summary>
    [Id(1)]
    public List<string> Names { get; set; } = [];
}

/// <summary>The catalog's index of program names (key <see cref="IProgramCatalogGrain.DefaultKey"/>), and the move of
/// the single record of earlier versions to one grain per name.</summary>
internal sealed class ProgramCatalogGrain(
    [PersistentState("program-catalog")] IPersistentState<ProgramCatalogRecord> record,
    ILoggerFactory loggers) : Grain, IProgramCatalogGrain, ILegacyProgramCatalogGrain
{
    /// <summary>Name grains activated at once while moving the single record.</summary>
    internal const int MoveBatch = 16;

    private static readonly TimeSpan MovePause = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan MoveRetry = TimeSpan.FromSeconds(5);

    private readonly ProgramsLog _log = new(loggers.CreateLogger(ProgramsLog.Category));
    private readonly Dictionary<string, List<ProgramInfo>> _legacy = new(StringComparer.Ordinal);
    private readonly Queue<string> _toMove = new();
    private IGrainTimer? _move;

    /// <inheritdoc />
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var programs = record.State.Programs;
        if (programs.Count == 0)
        {
            return;
        }

        foreach (var program in programs)
        {
            var key = ProgramNames.Normalize(program.Manifest.Name);
            if (key is null)
            {
                continue;
            }

            if (!_legacy.TryGetValue(key, out var versions))
            {
                _legacy[key] = versions = [];
                _toMove.Enqueue(key);
            }

            versions.Add(program);
        }

        var names = record.State.Names;
        var added = false;
        foreach (var key in _legacy.Keys)
        {
            var at = names.BinarySearch(key, StringComparer.Ordinal);
            if (at < 0)
            {
                names.Insert(~at, key);
                added = true;
            }
        }

        if (added)
        {
            await record.WriteStateAsync(cancellationToken);
        }

        _log.CatalogMigrationStarted(programs.Count, _legacy.Count);
        _move = this.RegisterGrainTimer(MoveAsync, new GrainTimerCreationOptions(TimeSpan.Zero, MovePause) { KeepAlive = true });
    }

    /// <inheritdoc />
    public async Task AddNameAsync(string name)
    {
        if (!ProgramNames.IsNormalized(name))
        {
            throw new InvalidRequestException($"name: '{name}' is not a normalized program name");
        }

        var names = record.State.Names;
        var at = names.BinarySearch(name, StringComparer.Ordinal);
        if (at >= 0)
        {
            return;
        }

        names.Insert(~at, name);
        try
        {
            await record.WriteStateAsync();
        }
        catch
        {
            names.RemoveAt(~at);
            throw;
        }
    }

    /// <inheritdoc />
    public Task<List<string>> ListNamesAsync(string? after, int limit)
    {
        PageLimits.CheckGrainCall(limit);
        var names = record.State.Names;
        var start = 0;
        if (after is not null)
        {
            var at = names.BinarySearch(after, StringComparer.Ordinal);
            start = at >= 0 ? at + 1 : ~at;
        }

        return Task.FromResult(names.GetRange(start, Math.Min(limit, names.Count - start)));
    }

    /// <inheritdoc />
    public Task<List<ProgramInfo>> GetLegacyVersionsAsync(string name) =>
        Task.FromResult(_legacy.TryGetValue(name, out var versions) ? new List<ProgramInfo>(versions) : []);

    private async Task MoveAsync(CancellationToken cancellationToken)
    {
        try
        {
            var batch = new List<string>(MoveBatch);
            foreach (var key in _toMove)
            {
                if (batch.Count == MoveBatch)
                {
                    break;
                }

                batch.Add(key);
            }

            // Activating a name grain that has no record of its own makes it take its versions from here.
            await Task.WhenAll(batch.Select(key => GrainFactory.GetGrain<IProgramNameGrain>(key).GetAsync()));
            foreach (var _ in batch)
            {
                _toMove.Dequeue();
            }

            if (_toMove.Count > 0)
            {
                _move?.Change(MovePause, MovePause);
                return;
            }

            var moved = _legacy.Count;
            record.State.Programs = [];
            await record.WriteStateAsync(cancellationToken);
            _legacy.Clear();
            _move?.Dispose();
            _move = null;
            _log.CatalogMigrationFinished(moved);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _log.CatalogMigrationRetry(e, _toMove.Count, MoveRetry.TotalSeconds);
            _move?.Change(MoveRetry, MoveRetry);
        }
    }
}
