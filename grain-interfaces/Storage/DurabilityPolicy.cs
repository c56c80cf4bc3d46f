namespace Marketplace.GrainInterfaces;

/// <summary>How a blob is erasure-coded: any <see cref="DataFragments"/> of the
/// <see cref="DataFragments"/> + <see cref="ParityFragments"/> fragments rebuild it. Presets: <see cref="Dev"/> (4+2,
/// the default, fits one machine), <see cref="Standard"/> (10+4), <see cref="Archive"/> (16+8).</summary>
[GenerateSerializer]
[Alias("marketplace.durability-policy")]
[Immutable]
public sealed class DurabilityPolicy
{
    /// <summary>4 + 2: survives the loss of any 2 of 6 providers at 1.5x the blob's size.</summary>
    public static DurabilityPolicy Dev { get; } = new() { DataFragments = 4, ParityFragments = 2 };

    /// <summary>10 + 4: survives any 4 of 14 at 1.4x.</summary>
    public static DurabilityPolicy Standard { get; } = new() { DataFragments = 10, ParityFragments = 4 };

    /// <summary>16 + 8: survives any 8 of 24 at 1.5x.</summary>
    public static DurabilityPolicy Archive { get; } = new() { DataFragments = 16, ParityFragments = 8 };

    /// <summary>k: the data fragments, and how many any read needs.</summary>
    [Id(0)] public int DataFragments { get; set; } = 4;

    /// <summary>m: the parity fragments, and how many may be lost.</summary>
    [Id(1)] public int ParityFragments { get; set; } = 2;

    /// <summary>Repair starts when fewer than this many fragments are healthy (default k + m - 1: at the first loss).
    /// 0 means that default.</summary>
    [Id(2)] public int RepairThreshold { get; set; }

    /// <summary>k + m.</summary>
    public int TotalFragments => DataFragments + ParityFragments;

    /// <summary>The policy named <paramref name="name"/> (dev, standard, archive), or null.</summary>
    public static DurabilityPolicy? Preset(string name) => name switch
    {
        "dev" => Dev,
        "standard" => Standard,
        "archive" => Archive,
        _ => null,
    };

    /// <summary>The threshold in force.</summary>
    public int EffectiveRepairThreshold => RepairThreshold > 0 ? RepairThreshold : TotalFragments;

    /// <summary>Checks the counts: k from 1, m from 1, k + m at most 255, threshold from k + 1 to k + m.</summary>
    /// <exception cref="InvalidRequestException">Naming the bad field.</exception>
    public void Validate()
    {
        if (DataFragments < 1 || ParityFragments < 1 || DataFragments + ParityFragments > 255)
        {
            throw new InvalidRequestException($"policy: k = {DataFragments} and m = {ParityFragments}; k and m must be at least 1 and k + m at most 255");
        }

        if (RepairThreshold != 0 && (RepairThreshold <= DataFragments || RepairThreshold > TotalFragments))
        {
            throw new InvalidRequestException($"policy.repair_threshold: {RepairThreshold}; it must be from k + 1 ({DataFragments + 1}) to k + m ({TotalFragments})");
        }
    }
}
