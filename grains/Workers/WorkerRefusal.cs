namespace Marketplace.Grains.Workers;

/// <summary>Why a worker did not take an attempt: <paramref name="Reason"/> in words a client can act on, and whether
/// it is only <paramref name="Busy"/> (full, or holding the client's share of its queue: the job should wait for
/// room, not fail).</summary>
internal readonly record struct WorkerRefusal(string Reason, bool Busy);
