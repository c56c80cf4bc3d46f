namespace Marketplace.Persistence.Sqlite.Tests;

/// <summary>A grain state holder as Orleans' storage bridge passes it to a storage provider.</summary>
public sealed class TestGrainState<T> : IGrainState<T>
    where T : new()
{
    [System.Diagnostics.CodeAnalysis.AllowNull]
    public T State { get; set; } = new();

    public string? ETag { get; set; }

    public bool RecordExists { get; set; }
}

/// <summary>A state with a few field kinds, serialized by Orleans' serializer.</summary>
[GenerateSerializer]
public sealed class SampleState
{
    [Id(0)]
    public string Name { get; set; } = string.Empty;

    [Id(1)]
    public int Count { get; set; }

    [Id(2)]
    public List<string> Items { get; set; } = [];

    [Id(3)]
    public byte[]? Blob { get; set; }
}

/// <summary>Another state type, for payloads that do not deserialize as the requested type.</summary>
[GenerateSerializer]
public sealed class OtherState
{
    [Id(0)]
    public Guid Value { get; set; }
}
