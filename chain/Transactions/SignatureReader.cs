using Marketplace.Chain.Rlp;
using Marketplace.Crypto;
using Marketplace.Crypto.Ethereum;

namespace Marketplace.Chain.Transactions;

/// <summary>Reads r and s of a transaction (canonical RLP integers) into a low-s signature.</summary>
internal static class SignatureReader
{
    public static EcdsaSignature Read(RlpItem r, RlpItem s, int recoveryId)
    {
        // Canonical integer checks (no leading zeros, at most 32 bytes) come from the RLP layer.
        r.ToUnsignedInteger();
        s.ToUnsignedInteger();
        try
        {
            return EcdsaSignature.FromComponents(r.Bytes.Span, s.Bytes.Span, recoveryId);
        }
        catch (CryptoFormatException e)
        {
            throw new ChainFormatException("The transaction's signature is not acceptable: " + e.Message, e);
        }
    }
}
