namespace Marketplace.GrainInterfaces;

/// <summary>One file a holder offers as proof of a worker's reputation events: an executor or aggregated receipt
/// file, or a double-sign evidence file (<see cref="ReputationProofs"/>).</summary>
/// <param name="Name">What the file is called, to name it in a rejection (a path, usually).</param>
/// <param name="Bytes">The file's bytes, UTF-8 JSON.</param>
public sealed record ReputationProofFile(string Name, byte[] Bytes);
