using Marketplace.Crypto.Ethereum;
using Marketplace.GrainInterfaces;

namespace Marketplace.Cli.Signing;

/// <summary>
/// Signs program-name delegations with the programs library's public signer (<see cref="ProgramDelegations"/>): the
/// digest is Keccak-256 of the canonical encoding of name, delegate, action and nonce, signed r ‖ s ‖ v with the
/// owner's key (the key that first deployed under the name).
/// </summary>
internal static class DelegationSigning
{
    public static ProgramDelegation Sign(string name, string delegateAddress, DelegationAction action, long nonce, Secp256k1PrivateKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return ProgramDelegations.Create(name, delegateAddress, action, nonce, key.ToBytes());
    }
}
