namespace Marketplace.GrainInterfaces;

/// <summary>
/// A statement by a program name's owner that grants or revokes another address the right to deploy under the name,
/// signed as <see cref="ProgramDelegations"/> describes. Over HTTP it is the body of
/// <c>POST /v1/programs/{name}/delegates</c>, whose path gives <see cref="Name"/>.
/// </summary>
[GenerateSerializer]
[Alias("marketplace.program-delegation")]
public sealed class ProgramDelegation
{
    /// <summary>The program name (any letter case; signed in its normalized form). Not a JSON member: the request
    /// path names it.</summary>
    [Id(0)]
    public string Name { get; set; } = "";

    /// <summary>The delegate's address (<c>0x</c> + 40 hex, any case).</summary>
    [Id(1)]
    public string Delegate { get; set; } = "";

    /// <summary>Grant or revoke.</summary>
    [Id(2)]
    public DelegationAction Action { get; set; }

    /// <summary>Orders the owner's statements about the name: a statement is accepted only with a nonce above the last
    /// accepted one (<see cref="ProgramNameInfo.DelegationNonce"/>), so an old grant cannot be replayed after its
    /// revocation.</summary>
    [Id(3)]
    public long Nonce { get; set; }

    /// <summary>65-byte secp256k1 recoverable signature (r ‖ s ‖ v) over <see cref="ProgramDelegations.ComputeDigest"/>.</summary>
    [Id(4)]
    public byte[] Signature { get; set; } = [];

    /// <summary>The address the signer claims to be; when set, the signature must recover to it (a statement changed
    /// after signing is then a signature error). <see cref="ProgramDelegations.Create"/> sets it.</summary>
    [Id(5)]
    public string? Signer { get; set; }
}

/// <summary>What a <see cref="ProgramDelegation"/> does.</summary>
public enum DelegationAction
{
    /// <summary>The delegate may deploy versions under the name.</summary>
    Grant = 0,

    /// <summary>The delegate may no longer deploy under the name (versions it deployed stay).</summary>
    Revoke = 1,
}
