namespace Marketplace.Grains.Blobs;

/// <summary>What one <see cref="IChunkStore.SweepAsync"/> deleted.</summary>
/// <param name="Chunks">Chunks deleted.</param>
/// <param name="Bytes">Their bytes.</param>
internal readonly record struct ChunkSweep(int Chunks, long Bytes);
