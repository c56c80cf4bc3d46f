namespace Marketplace.Grains.Execution;

/// <summary>How one receipt field compares with the replay.</summary>
public enum ReplayFieldStatus
{
    /// <summary>The replay gives the receipt's value.</summary>
    Match,

    /// <summary>The replay gives another value.</summary>
    Differs,

    /// <summary>Not replayed (a run that reads program state the replay does not have).</summary>
    NotReplayed,
}

/// <summary>One receipt field, as the receipt states it and as the replay computed it (hashes as lowercase hex).</summary>
/// <param name="Name">The field's name in the receipt file (<c>fuel_consumed</c>, <c>output_hash</c>, ...).</param>
/// <param name="Receipt">The receipt's value.</param>
/// <param name="Replayed">The replay's value; null when not replayed.</param>
/// <param name="Status">How they compare.</param>
public sealed record ReplayField(string Name, string Receipt, string? Replayed, ReplayFieldStatus Status);

/// <summary>The outcome of a replay: every compared field, and the output and error of the local run.</summary>
public sealed class ReceiptReplayReport
{
    /// <summary>The fields in receipt order: outcome, wasm_hash, abi, input_hash, invocation_hash, state_root_in,
    /// output_hash, fuel_consumed, state_root_out, engine_name, engine_version, engine_config_digest.</summary>
    public required IReadOnlyList<ReplayField> Fields { get; init; }

    /// <summary>The run was not replayed because it read program state (<c>state_root_in</c> is not the empty
    /// tree's root) and the marketplace does not export a program's state at a past root.</summary>
    public bool StatefulNotSupported { get; init; }

    /// <summary>The local run's output (empty unless it completed).</summary>
    public ReadOnlyMemory<byte> Output { get; init; }

    /// <summary>The local run's error text, when it did not complete.</summary>
    public string? Error { get; init; }

    /// <summary>Every field replayed and equal to the receipt's.</summary>
    public bool AllMatch
    {
        get
        {
            foreach (var compared in Fields)
            {
                if (compared.Status != ReplayFieldStatus.Match)
                {
                    return false;
                }
            }

            return true;
        }
    }

    /// <summary>The fields whose replayed value differs from the receipt's.</summary>
    public IEnumerable<ReplayField> Differences => Fields.Where(f => f.Status == ReplayFieldStatus.Differs);
}
