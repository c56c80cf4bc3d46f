using System.Numerics;
using Marketplace.Chain.Transactions;
using Marketplace.Crypto.Ethereum;
using Xunit;

namespace Marketplace.Chain.Tests.Transactions;

public sealed class TransactionTests
{
    private static readonly Secp256k1PrivateKey Key = Secp256k1PrivateKey.FromBytes(Convert.FromHexString("4646464646464646464646464646464646464646464646464646464646464646"));

    private static Eip1559Transaction Sample(BigInteger? tip = null, BigInteger? maxFee = null, Address? to = null) => new()
    {
        ChainId = 31337,
        Nonce = 5,
        MaxPriorityFeePerGas = tip ?? 2,
        MaxFeePerGas = maxFee ?? 10,
        GasLimit = 50_000,
        To = to,
        Value = 3,
        Data = new byte[] { 1, 2, 3 },
        AccessList = [new AccessListEntry(Address.Zero, [Hash32.Zero])],
    };

    [Fact]
    public void SigningIsDeterministicAndTheSenderIsRecovered()
    {
        var first = Sample().Sign(Key);
        var second = Sample().Sign(Key);
        Assert.True(first.Raw.SequenceEqual(second.Raw));
        var decoded = SignedTransaction.Decode(first.Raw);
        Assert.Equal(Address.FromPublicKey(Key.PublicKey), decoded.RecoverSender());
        Assert.Null(decoded.Transaction.To);
        Assert.Single(((Eip1559Transaction)decoded.Transaction).AccessList);
    }

    [Fact]
    public void ValidityRulesAreEnforcedBeforeSigning()
    {
        Assert.Equal("priority_fee_above_max_fee", Assert.Throws<InvalidTransactionException>(() => Sample(tip: 11).Sign(Key)).Rule);
        Assert.Equal("gas_limit_price_product_overflow", Assert.Throws<InvalidTransactionException>(() => Sample(maxFee: BigInteger.One << 250).Sign(Key)).Rule);
        Assert.Equal("nonce_max", Assert.Throws<InvalidTransactionException>(() => new LegacyTransaction
        {
            ChainId = 1,
            Nonce = ulong.MaxValue,
            GasPrice = 1,
            GasLimit = 21_000,
        }.Sign(Key)).Rule);
    }

    [Fact]
    public void MalformedRawTransactionsAreFormatErrors()
    {
        var raw = Sample(to: Address.Zero).Sign(Key).Raw.ToArray();
        Assert.Throws<ChainFormatException>(() => SignedTransaction.Decode([]));
        Assert.Throws<ChainFormatException>(() => SignedTransaction.Decode([0x01, 0xc0]));
        Assert.Throws<ChainFormatException>(() => SignedTransaction.Decode([0x03, 0xc0]));
        Assert.Throws<ChainFormatException>(() => SignedTransaction.Decode([.. raw, 0x00]));
        Assert.Throws<ChainFormatException>(() => SignedTransaction.Decode(raw[..^1]));
        Assert.Throws<ChainFormatException>(() => SignedTransaction.Decode([0x02, 0xc0]));

        // yParity 2
        var yParityAt = raw.Length - 67;
        var badParity = (byte[])raw.Clone();
        Assert.True(badParity[yParityAt] is 0x80 or 0x01);
        badParity[yParityAt] = 0x02;
        Assert.Throws<ChainFormatException>(() => SignedTransaction.Decode(badParity));
    }

    [Fact]
    public void LegacyVIsCheckedAndPreEip155IsDecoded()
    {
        var legacy = new LegacyTransaction { ChainId = null, Nonce = 0, GasPrice = 1, GasLimit = 21_000, To = Address.Zero };
        var signed = legacy.Sign(Key);
        Assert.True(signed.V == 27 || signed.V == 28);
        var decoded = SignedTransaction.Decode(signed.Raw);
        Assert.Null(((LegacyTransaction)decoded.Transaction).ChainId);
        Assert.Equal(Address.FromPublicKey(Key.PublicKey), decoded.RecoverSender());

        var withV30 = signed.Raw.ToArray();
        var vAt = withV30.Length - 67;
        withV30[vAt] = 30;
        Assert.Throws<ChainFormatException>(() => SignedTransaction.Decode(withV30));
    }

    [Fact]
    public void WeiConversionsAreExact()
    {
        Assert.Equal(BigInteger.Parse("1500000000000000000", System.Globalization.CultureInfo.InvariantCulture), Wei.FromEther(1.5m));
        Assert.Equal("0.000000000000000001", Wei.ToEtherString(1));
        Assert.Equal("-2.5", Wei.ToEtherString(-Wei.FromEther(2.5m)));
        Assert.Throws<ArgumentException>(() => Wei.FromEther(0.0000000000000000001m));
    }
}
