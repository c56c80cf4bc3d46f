namespace Marketplace.GrainInterfaces;

/// <summary>
/// Who calls a blob grain. Every read and every access change of <see cref="IBlobGrain"/> names its caller, as every
/// <see cref="IJobGrain"/> call names its client: there is no default, so a call site that forgets the caller does
/// not compile instead of reading with full access.
/// </summary>
/// <remarks>
/// <para>Three kinds of caller:</para>
/// <list type="bullet">
/// <item><see cref="Client"/>: a marketplace client (the HTTP API's caller, a named grain client). It reads a blob it
/// owns, one an owner shared with it, or a public one; it changes access only of blobs it owns. Its uploads make it an
/// owner.</item>
/// <item><see cref="Silo"/>: the silo's own authority, with full access and no client: a worker reading a job's input,
/// a run prefetching its program's blob refs, the API reading a job's output for the job's client. It records no
/// owner when it stores a blob.</item>
/// <item><see cref="Operator"/>: an operators' grain client: full access like the silo, and its uploads are owned by
/// the client id it runs jobs under.</item>
/// </list>
/// <para>Never changed once made ([Immutable]): Orleans passes it by reference between grains of one silo.</para>
/// </remarks>
[GenerateSerializer]
[Alias("marketplace.blob-caller")]
[Immutable]
public sealed class BlobCaller
{
    /// <summary>The silo's own authority: reads and changes every blob, owns nothing it stores.</summary>
    public static BlobCaller Silo { get; } = new() { FullAccess = true };

    /// <summary>The client the caller acts as: its uploads are owned by it, reads are checked against it unless
    /// <see cref="FullAccess"/>. Null for <see cref="Silo"/>.</summary>
    [Id(0)]
    public string? ClientId { get; set; }

    /// <summary>True for the silo and operators: every blob is readable and its access may be changed.</summary>
    [Id(1)]
    public bool FullAccess { get; set; }

    /// <summary>A marketplace client, checked against each blob's access list.</summary>
    /// <exception cref="InvalidRequestException"><paramref name="clientId"/> is not a client id (see <see cref="ClientIds"/>).</exception>
    public static BlobCaller Client(string clientId) => new() { ClientId = ClientIds.Require(clientId, "client id") };

    /// <summary>An operators' grain client acting for <paramref name="clientId"/>: full access to every blob, and its
    /// uploads are owned by <paramref name="clientId"/>.</summary>
    /// <exception cref="InvalidRequestException"><paramref name="clientId"/> is not a client id.</exception>
    public static BlobCaller Operator(string clientId) => new() { ClientId = ClientIds.Require(clientId, "client id"), FullAccess = true };

    /// <inheritdoc />
    public override string ToString() => (ClientId, FullAccess) switch
    {
        (null, _) => "the silo",
        ({ } id, true) => $"operator as client '{id}'",
        ({ } id, false) => $"client '{id}'",
    };
}
