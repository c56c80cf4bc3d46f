using System.Buffers.Text;
using Marketplace.GrainInterfaces;
using Xunit;
using Xunit.Abstractions;

namespace Marketplace.Grains.Tests.Paging;

/// <summary>Cursors round-trip their list and position; anything else (another list's cursor, damaged or random
/// text) is an invalid request naming <c>cursor</c>, never another exception.</summary>
public sealed class PageCursorTests(ITestOutputHelper output)
{
    [Fact]
    public void ACursorRoundTripsItsFields()
    {
        var cursor = PageCursor.Encode("programs", "échō", "", "1.0.0-rc.1+build");
        Assert.True(cursor.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'), cursor);
        Assert.Equal(["échō", "", "1.0.0-rc.1+build"], PageCursor.Decode(cursor, "programs", 3));
    }

    [Fact]
    public void AnotherListsCursorNamesBothLists()
    {
        var cursor = PageCursor.Encode("jobs", "", "12");
        var e = Assert.Throws<InvalidRequestException>(() => PageCursor.Decode(cursor, "workers", 1));
        Assert.Equal("cursor: it was issued by another list (jobs), not by this one (workers)", e.Message);
    }

    [Fact]
    public void DamagedCursorsAreInvalidRequests()
    {
        var cursor = PageCursor.Encode("workers", "w1");
        var bytes = Base64Url.DecodeFromChars(cursor);
        var cases = new List<string>
        {
            "", "%%%%", "not base64!", cursor + "*", new string('A', PageCursor.MaxLength + 1),
            PageCursor.Encode("workers", "w1", "extra"),
            Base64Url.EncodeToString([.. bytes, 0]),
            Base64Url.EncodeToString(bytes[..^1]),
            Base64Url.EncodeToString([2, .. bytes[1..]]),
            Base64Url.EncodeToString([1, 3, (byte)'J', (byte)'O', (byte)'B', 1, 0, 0]),
            Base64Url.EncodeToString([1, 7, .. "workers"u8, 1, 0, 2, 0xC3, 0x28]),
        };
        foreach (var text in cases)
        {
            var e = Assert.Throws<InvalidRequestException>(() => PageCursor.Decode(text, "workers", 1));
            Assert.StartsWith("cursor: ", e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void RandomTextIsAnInvalidRequestOrAPosition()
    {
        var seed = 20261202;
        output.WriteLine($"seed {seed}");
        var random = new Random(seed);
        var valid = Base64Url.DecodeFromChars(PageCursor.Encode("programs", "echo", "echo", "1.0.0"));
        var decoded = 0;
        for (var i = 0; i < 20_000; i++)
        {
            // Half mutate a real cursor (a flipped byte, a cut), half are random bytes.
            byte[] bytes;
            if (i % 2 == 0)
            {
                bytes = [.. valid];
                bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
                bytes = bytes[..random.Next(1, bytes.Length + 1)];
            }
            else
            {
                bytes = new byte[random.Next(1, 64)];
                random.NextBytes(bytes);
            }

            try
            {
                Assert.Equal(3, PageCursor.Decode(Base64Url.EncodeToString(bytes), "programs", 3).Length);
                decoded++;
            }
            catch (InvalidRequestException e)
            {
                Assert.StartsWith("cursor: ", e.Message, StringComparison.Ordinal);
            }
        }

        output.WriteLine($"{decoded} of 20000 mutated or random cursors decoded to a position");
    }

    [Fact]
    public void LimitsOutsideOneToTheMaximumAreInvalidRequests()
    {
        Assert.Equal(PageLimits.Default, PageLimits.Parse(null));
        Assert.Equal(PageLimits.Default, PageLimits.Parse(""));
        Assert.Equal(1, PageLimits.Parse("1"));
        Assert.Equal(PageLimits.Max, PageLimits.Parse("1000"));
        foreach (var text in new[] { "0", "1001", "-1", "+5", " 5", "5.0", "abc", "99999999999999999999" })
        {
            var e = Assert.Throws<InvalidRequestException>(() => PageLimits.Parse(text));
            Assert.StartsWith("limit: ", e.Message, StringComparison.Ordinal);
        }
    }
}
