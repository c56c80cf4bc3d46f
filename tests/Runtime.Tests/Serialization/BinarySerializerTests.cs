using Marketplace.Runtime.Serialization;
using Xunit;

namespace Marketplace.Runtime.Tests.Serialization;

public sealed class BinarySerializerTests
{
    [Fact]
    public void NewerWriterOlderReaderSkipsUnknownFields()
    {
        var v2 = new PersonV2 { Name = "Ada", Age = 36, Tags = ["math"], Home = new Address("Main", 5) };
        var v1 = BinarySerializer.Deserialize<PersonV1>(BinarySerializer.Serialize(v2));
        Assert.Equal("Ada", v1.Name);
        Assert.Equal(36, v1.Age);
    }

    [Fact]
    public void OlderWriterNewerReaderGetsDefaults()
    {
        var v1 = new PersonV1 { Name = "Bob", Age = 7 };
        var v2 = BinarySerializer.Deserialize<PersonV2>(BinarySerializer.Serialize(v1));
        Assert.Equal("Bob", v2.Name);
        Assert.Equal(7, v2.Age);
        Assert.Empty(v2.Tags);
        Assert.Null(v2.Home);
    }

    [Fact]
    public void BuiltInsRecordsStructsPrivateFieldsAndSubtypesRoundTrip()
    {
        var value = new Everything
        {
            Counts = new() { ["a"] = 1, ["b"] = -2 },
            Maybe = 5,
            Color = Color.Green,
            Shape = new Circle { Label = "c", Radius = 2.5, Secret = 9 },
            Points = [new Point { X = 1, Y = 2 }, new Point { X = -3, Y = 4 }],
            Ids = [Guid.NewGuid(), Guid.NewGuid()],
            When = new DateTimeOffset(2026, 11, 22, 3, 0, 0, TimeSpan.FromHours(2)),
            Span = TimeSpan.FromMilliseconds(1234),
            Bytes = [1, 2, 3],
            Money = 12.345m,
            Grain = new GrainId("user", "7"),
            Set = [1, long.MaxValue, long.MinValue],
            Error = new InvalidOperationException("inner"),
            At = new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc),
            Ratio = Math.PI,
            Small = 1.5f,
            Letter = 'ž',
        };
        var copy = BinarySerializer.Deserialize<Everything>(BinarySerializer.Serialize(value));
        Assert.Equal(value.Counts, copy.Counts);
        Assert.Equal(5, copy.Maybe);
        Assert.Equal(Color.Green, copy.Color);
        var circle = Assert.IsType<Circle>(copy.Shape);
        Assert.Equal(("c", 2.5, 9), (circle.Label, circle.Radius, circle.Secret));
        Assert.Equal(value.Points, copy.Points);
        Assert.Equal(value.Ids, copy.Ids);
        Assert.Equal(value.When, copy.When);
        Assert.Equal(value.When.Offset, copy.When.Offset);
        Assert.Equal(value.Span, copy.Span);
        Assert.Equal(value.Bytes, copy.Bytes);
        Assert.Equal(value.Money, copy.Money);
        Assert.Equal(value.Grain, copy.Grain);
        Assert.Equal(value.Set, copy.Set);
        Assert.IsType<InvalidOperationException>(copy.Error);
        Assert.Equal("inner", copy.Error!.Message);
        Assert.Equal(value.At, copy.At);
        Assert.Equal(DateTimeKind.Utc, copy.At.Kind);
        Assert.Equal(value.Ratio, copy.Ratio);
        Assert.Equal(value.Small, copy.Small);
        Assert.Equal(value.Letter, copy.Letter);
    }

    [Fact]
    public void UnknownExceptionTypesKeepTypeNameAndMessage()
    {
        var original = new System.IO.InvalidDataException("corrupt");
        var copy = BinarySerializer.Deserialize<Exception>(BinarySerializer.Serialize<Exception>(original));
        var remote = Assert.IsType<RemoteGrainException>(copy);
        Assert.Equal("System.IO.InvalidDataException", remote.OriginalTypeName);
        Assert.Equal("corrupt", remote.OriginalMessage);
    }

    [Fact]
    public void RandomIntegersRoundTrip()
    {
        var seed = Environment.TickCount;
        Console.WriteLine($"seed {seed}");
        var random = new Random(seed);
        for (var i = 0; i < 2000; i++)
        {
            var l = random.NextInt64(long.MinValue, long.MaxValue);
            Assert.Equal(l, BinarySerializer.Deserialize<long>(BinarySerializer.Serialize(l)));
            var n = random.Next(int.MinValue, int.MaxValue);
            Assert.Equal(n, BinarySerializer.Deserialize<int>(BinarySerializer.Serialize(n)));
            var u = (ulong)random.NextInt64() * 2;
            Assert.Equal(u, BinarySerializer.Deserialize<ulong>(BinarySerializer.Serialize(u)));
        }
    }

    [Fact]
    public void TruncatedDataFailsWithATypedError()
    {
        var bytes = BinarySerializer.Serialize(new PersonV2 { Name = "truncate me", Age = 1, Tags = ["x", "y"] });
        for (var length = 1; length < bytes.Length; length++)
        {
            Assert.Throws<GrainSerializationException>(() => BinarySerializer.Deserialize<PersonV2>(bytes.AsMemory(0, length)));
        }
    }

    [Fact]
    public void TypesWithoutCodecFailClearly()
    {
        var error = Assert.Throws<GrainSerializationException>(() => BinarySerializer.Serialize(new NotSerializable()));
        Assert.Contains("GenerateSerializer", error.Message, StringComparison.Ordinal);
    }

    private sealed class NotSerializable;
}
