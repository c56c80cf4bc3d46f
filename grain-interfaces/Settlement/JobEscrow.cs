namespace Marketplace.GrainInterfaces;

/// <summary>A job's escrow and, once settled, its settlement (<see cref="ISettlement.EscrowAsync"/>).</summary>
[GenerateSerializer]
[Alias("marketplace.job-escrow")]
public sealed class JobEscrow
{
    /// <summary>The job.</summary>
    [Id(0)] public string JobId { get; set; } = "";

    /// <summary>The client that pays.</summary>
    [Id(1)] public string ClientId { get; set; } = "";

    /// <summary>The escrowed amount (<c>max_fuel × price</c>).</summary>
    [Id(2)] public UInt128 Amount { get; set; }

    /// <summary>The escrow's journal entry.</summary>
    [Id(3)] public long Sequence { get; set; }

    /// <summary>When it was escrowed.</summary>
    [Id(4)] public DateTimeOffset At { get; set; }

    /// <summary>How the job settled, or null while the escrow is open.</summary>
    [Id(5)] public JobSettlement? Settlement { get; set; }
}
