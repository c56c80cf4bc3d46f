using Marketplace.Crypto.Ethereum;
using Xunit;
using Xunit.Abstractions;

namespace Marketplace.Crypto.Tests.Ethereum;

public sealed class AddressTests(ITestOutputHelper output)
{
    [Fact]
    public void ChecksumFormRoundTripsAndSingleCaseFormsParseOnRandomAddresses()
    {
        const int seed = 55_055;
        output.WriteLine($"seed {seed}");
        var random = new Random(seed);
        var rejectedFlips = 0;
        for (var i = 0; i < 300; i++)
        {
            var bytes = new byte[20];
            random.NextBytes(bytes);
            var address = Address.FromBytes(bytes);
            Assert.Equal(bytes, address.ToBytes());

            var text = address.ToChecksumString();
            Assert.Equal(text, address.ToString());
            Assert.Equal(42, text.Length);
            Assert.Equal("0x" + Convert.ToHexStringLower(bytes), text.ToLowerInvariant());
            Assert.Equal(address, Address.Parse(text));
            Assert.Equal(address, Address.Parse(text.ToLowerInvariant()));
            Assert.Equal(address, Address.Parse("0x" + text[2..].ToUpperInvariant()));

            // Flip the case of one letter: still mixed case means the checksum must now fail.
            var letters = Enumerable.Range(2, 40).Where(j => char.IsLetter(text[j])).ToArray();
            if (letters.Length == 0)
            {
                continue;
            }

            var chars = text.ToCharArray();
            var at = letters[random.Next(letters.Length)];
            chars[at] = char.IsUpper(chars[at]) ? char.ToLowerInvariant(chars[at]) : char.ToUpperInvariant(chars[at]);
            var flipped = new string(chars);
            var body = flipped[2..];
            if (body.Any(char.IsUpper) && body.Any(char.IsLower))
            {
                var error = Assert.Throws<CryptoFormatException>(() => Address.Parse(flipped));
                Assert.Contains("EIP-55", error.Message, StringComparison.Ordinal);
                Assert.Contains($"position {at}", error.Message, StringComparison.Ordinal);
                rejectedFlips++;
            }
            else
            {
                Assert.Equal(address, Address.Parse(flipped));
            }
        }

        output.WriteLine($"{rejectedFlips} case flips rejected");
        Assert.True(rejectedFlips > 200);
    }

    [Theory]
    [InlineData("", "0x")]
    [InlineData("5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "0x")]
    [InlineData("0X5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "0x")]
    [InlineData(" 0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "0x")]
    [InlineData("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAe", "got 39")]
    [InlineData("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAedd", "got 41")]
    [InlineData("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed ", "got 41")]
    [InlineData("0x", "got 0")]
    [InlineData("0xg000000000000000000000000000000000000000", "position 2 ('g')")]
    [InlineData("0x000000000000000000000000000000000000000-", "position 41 ('-')")]
    [InlineData("0x00000000000000000000000000000000000000\u00e9a", "U+00E9")]
    [InlineData("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD", "EIP-55")]
    public void BadTextIsRejectedWithTheReason(string text, string reason)
    {
        var error = Assert.Throws<CryptoFormatException>(() => Address.Parse(text));
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RawBytesMustBe20Long()
    {
        Assert.Contains("19", Assert.Throws<CryptoFormatException>(() => Address.FromBytes(new byte[19])).Message, StringComparison.Ordinal);
        Assert.Throws<CryptoFormatException>(() => Address.FromBytes(new byte[21]));
        Assert.Throws<CryptoFormatException>(() => Address.FromBytes([]));
    }

    [Fact]
    public void ZeroAndEquality()
    {
        Assert.Equal("0x0000000000000000000000000000000000000000", Address.Zero.ToChecksumString());
        Assert.Equal(Address.Zero, default);
        Assert.Equal(Address.Zero, Address.Parse("0x0000000000000000000000000000000000000000"));
        var a = Address.Parse("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed");
        var b = Address.Parse("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed");
        Assert.True(a == b);
        Assert.False(a != b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(a, Address.Zero);
        Assert.True(a != Address.Zero);
    }

    [Fact]
    public void WriteToNeedsTwentyBytes()
    {
        var a = Address.Parse("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed");
        var buffer = new byte[25];
        a.WriteTo(buffer);
        Assert.Equal(a.ToBytes(), buffer[..20]);
        Assert.Throws<ArgumentException>(() => a.WriteTo(new byte[19]));
    }
}
