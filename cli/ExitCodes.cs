namespace Marketplace.Cli;

/// <summary>The CLI's process exit codes (cli/README.md lists them).</summary>
internal static class ExitCodes
{
    /// <summary>Success.</summary>
    public const int Ok = 0;

    /// <summary>Bad command line: unknown verb or option, missing or malformed value, missing local file.</summary>
    public const int Usage = 1;

    /// <summary>A blob, program, job, worker, storage deal or storage provider does not exist.</summary>
    public const int NotFound = 2;

    /// <summary>The marketplace refused the request: invalid request, rejected program, empty or too large blob,
    /// job in the wrong state.</summary>
    public const int Rejected = 3;

    /// <summary>Missing or wrong API key, a refused request signature, or the resource belongs to another client.</summary>
    public const int Auth = 4;

    /// <summary>The server or gateway cannot be reached, the connection broke, or a call timed out.</summary>
    public const int Connection = 5;

    /// <summary>Stored or received bytes do not match their hash.</summary>
    public const int Integrity = 6;

    /// <summary><c>submit-job --wait</c>: the job ended failed, cancelled, timed out or expired.</summary>
    public const int JobUnsuccessful = 7;

    /// <summary><c>submit-job --wait</c>: the job was still not finished when the wait timed out.</summary>
    public const int WaitTimeout = 8;

    /// <summary><c>verify-receipt</c>: the receipt file is malformed, or its hash or signature does not check.</summary>
    public const int ReceiptInvalid = 9;

    /// <summary><c>replay</c>: the local run does not give the receipt's figures (the differing fields are listed).</summary>
    public const int ReplayMismatch = 11;

    /// <summary><c>replay</c>: the run read program state, which the marketplace does not export at a past root, so
    /// only the fields that do not depend on running it were compared.</summary>
    public const int ReplayUnsupported = 12;

    /// <summary>The server failed in a way the CLI cannot attribute to the request.</summary>
    public const int Server = 10;

    /// <summary><c>reputation --recompute</c>: the score recomputed from the events differs from the reported one.</summary>
    public const int ReputationMismatch = 13;

    /// <summary><c>verify-receipt</c>: the receipt checks, but only against the keys it carries itself (no
    /// <c>--registry</c> or <c>--public-key</c>, and no <c>--carried-keys</c> to accept that).</summary>
    public const int KeysUnchecked = 14;

    /// <summary>Interrupted (Ctrl+C).</summary>
    public const int Interrupted = 130;
}
