using Marketplace.Runtime.Serialization;

namespace Marketplace.Runtime.Tests.Serialization;

[GenerateSerializer]
[Alias("person")]
public sealed class PersonV1
{
    [Id(0)]
    public string Name { get; set; } = "";

    [Id(1)]
    public int Age { get; set; }
}

[GenerateSerializer]
[Alias("person")]
public sealed class PersonV2
{
    [Id(0)]
    public string Name { get; set; } = "";

    [Id(1)]
    public int Age { get; set; }

    [Id(2)]
    public List<string> Tags { get; set; } = [];

    [Id(3)]
    public Address? Home { get; set; }
}

[GenerateSerializer]
public sealed record Address([property: Id(0)] string Street, [property: Id(1)] int Number);

public enum Color : byte
{
    Red = 1,
    Green = 2,
}

[GenerateSerializer]
public class Shape
{
    [Id(0)]
    public string Label { get; init; } = "";

    [Id(1)]
    private int _secret;

    public int Secret
    {
        get => _secret;
        set => _secret = value;
    }
}

[GenerateSerializer]
public sealed class Circle : Shape
{
    [Id(10)]
    public double Radius { get; set; }
}

[GenerateSerializer]
public struct Point
{
    [Id(0)]
    public int X;

    [Id(1)]
    public int Y { get; init; }
}

[GenerateSerializer]
public sealed class Everything
{
    [Id(0)] public Dictionary<string, int> Counts { get; set; } = [];
    [Id(1)] public int? Maybe { get; set; }
    [Id(2)] public Color Color { get; set; }
    [Id(3)] public Shape? Shape { get; set; }
    [Id(4)] public Point[] Points { get; set; } = [];
    [Id(5)] public IReadOnlyList<Guid> Ids { get; set; } = [];
    [Id(6)] public DateTimeOffset When { get; set; }
    [Id(7)] public TimeSpan Span { get; set; }
    [Id(8)] public byte[]? Bytes { get; set; }
    [Id(9)] public decimal Money { get; set; }
    [Id(10)] public GrainId Grain { get; set; }
    [Id(11)] public HashSet<long> Set { get; set; } = [];
    [Id(12)] public Exception? Error { get; set; }
    [Id(13)] public DateTime At { get; set; }
    [Id(14)] public double Ratio { get; set; }
    [Id(15)] public float Small { get; set; }
    [Id(16)] public char Letter { get; set; }
}
