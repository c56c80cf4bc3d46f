using Marketplace.Runtime.Storage;

namespace Marketplace.Runtime.Tests.Persistence;

/// <summary>A grain state holder as the runtime would pass it to a storage provider.</summary>
public sealed class TestGrainState<T> : IGrainState<T>
    where T : new()
{
    public T State { get; set; } = new();

    public string? ETag { get; set; }

    public bool RecordExists { get; set; }
}

/// <summary>A state with a few field kinds, serialized as JSON by the tests.</summary>
public sealed class SampleState
{
    public string Name { get; set; } = string.Empty;

    public int Count { get; set; }

    public List<string> Items { get; set; } = [];

    public byte[]? Blob { get; set; }
}
