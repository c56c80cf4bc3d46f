namespace Marketplace.Storage.Tests;

/// <summary>Seeded randomness: the seed goes into every failure message so a failing case can be replayed.</summary>
internal static class TestRandom
{
    /// <summary>A seed from the environment variable STORAGE_TEST_SEED when set, else a fixed one per test.</summary>
    public static int Seed(int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable("STORAGE_TEST_SEED"), out var seed) ? seed : fallback;

    public static byte[] Bytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }
}
