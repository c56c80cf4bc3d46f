using Marketplace.Runtime.Catalog;
using Marketplace.Runtime.Networking;
using Marketplace.Runtime.Tests.Client;
using Marketplace.Runtime.Tests.Grains;
using Xunit;

namespace Marketplace.Runtime.Tests.Networking;

/// <summary>The grain manifest in the silo's connection preamble: round trip, resolution rules, bad input.</summary>
public sealed class GrainManifestWireTests
{
    private static readonly string Behaviour = typeof(IBehaviourGrain).FullName!;

    [Fact]
    public void Manifest_of_local_classes_round_trips_through_the_preamble()
    {
        var local = GrainManifest.FromLocalClasses();
        var frame = new ConnectionPreamble(ConnectionPreamble.CurrentProtocolVersion, "dev", "silo", local).ToFrame();
        var length = ConnectionPreamble.ReadLength(frame, ConnectionPreamble.MaxSiloBytes);
        var parsed = ConnectionPreamble.Parse(frame.AsMemory(4, length));
        Assert.NotNull(parsed.Manifest);
        Assert.True(local.Count > 0);
        Assert.Equal(local.Entries.OrderBy(e => e.ToString()), parsed.Manifest.Entries.OrderBy(e => e.ToString()));
        Assert.True(parsed.Manifest.TryResolve(typeof(IBehaviourGrain), null, out var grainType, out _));
        Assert.Equal(GrainTypeResolver.Resolve(typeof(IBehaviourGrain), null), grainType);
    }

    [Fact]
    public void Several_implementations_need_a_class_name_prefix()
    {
        var manifest = new GrainManifest(
        [
            new GrainManifestEntry(Behaviour, "first", "A.First"),
            new GrainManifestEntry(Behaviour, "second", "B.Second"),
        ]);
        Assert.False(manifest.TryResolve(typeof(IBehaviourGrain), null, out _, out var error));
        Assert.Contains("Several grain classes", error, StringComparison.Ordinal);
        Assert.Contains("A.First", error, StringComparison.Ordinal);
        Assert.True(manifest.TryResolve(typeof(IBehaviourGrain), "B.", out var grainType, out _));
        Assert.Equal("second", grainType);
        Assert.False(manifest.TryResolve(typeof(IBehaviourGrain), "C.", out _, out error));
        Assert.Contains("'C.'", error, StringComparison.Ordinal);
        Assert.False(manifest.TryResolve(typeof(IUnimplementedGrain), null, out _, out error));
        Assert.Contains(typeof(IUnimplementedGrain).FullName!, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "t", "C")]
    [InlineData("I", "a/b", "C")]
    [InlineData("I", "t", "")]
    public void Empty_or_slashed_names_are_a_typed_error(string interfaceName, string grainType, string grainClass)
    {
        var frame = new ConnectionPreamble(2, "dev", "silo", new GrainManifest([new GrainManifestEntry(interfaceName, grainType, grainClass)])).ToFrame();
        var error = Assert.Throws<GatewayProtocolException>(() => ConnectionPreamble.Parse(frame.AsMemory(4)));
        Assert.Contains("Malformed grain manifest", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Silo_preamble_longer_than_a_client_preamble_is_refused_at_the_client_limit()
    {
        var big = new GrainManifest(Enumerable.Range(0, 200).Select(i => new GrainManifestEntry($"I{i}", $"t{i}", $"C{i}")));
        var frame = new ConnectionPreamble(2, "dev", "silo", big).ToFrame();
        Assert.Throws<GatewayProtocolException>(() => ConnectionPreamble.ReadLength(frame));
        Assert.Equal(frame.Length - 4, ConnectionPreamble.ReadLength(frame, ConnectionPreamble.MaxSiloBytes));
    }
}
