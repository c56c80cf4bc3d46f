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
/// <item><see cref="JobOutputFor"/>: a worker storing a job's output for the job's client: read access as that client,
/// the client owns the output and is charged for it even past its storage quota.</item>
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

    /// <summary>True when the caller stores a job's output for <see cref="ClientId"/>: the output is charged to the
    /// client's stored bytes but never refused for its quota (the job already ran; refusing would lose its result).</summary>
    [Id(2)]
    public bool JobOutput { get; set; }

    /// <summary>A marketplace client, checked against each blob's access list.</summary>
    /// <exception cref="InvalidRequestException"><paramref name="clientId"/> is not a client id (see <see cref="ClientIds"/>).</exception>
    public static BlobCaller Client(string clientId) => new() { ClientId = ClientIds.Require(clientId, "client id") };

    /// <summary>An operators' grain client acting for <paramref name="clientId"/>: full access to every blob, and its
    /// uploads are owned by <paramref name="clientId"/>.</summary>
    /// <exception cref="InvalidRequestException"><paramref name="clientId"/> is not a client id.</exception>
    public static BlobCaller Operator(string clientId) => new() { ClientId = ClientIds.Require(clientId, "client id"), FullAccess = true };

    /// <summary>A worker storing the output of a job of <paramref name="clientId"/>: the client owns the output and is
    /// charged for it, past its storage quota too.</summary>
    /// <exception cref="InvalidRequestException"><paramref name="clientId"/> is not a client id.</exception>
    public static BlobCaller JobOutputFor(string clientId) => new() { ClientId = ClientIds.Require(clientId, "client id"), JobOutput = true };

    /// <inheritdoc />
    public override string ToString() => (ClientId, FullAccess, JobOutput) switch
    {
        (null, _, _) => "the silo",
        ({ } id, true, _) => $"operator as client '{id}'",
        ({ } id, false, true) => $"a job of client '{id}'",
        ({ } id, false, false) => $"client '{id}'",
    };
}
