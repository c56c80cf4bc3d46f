using System.Globalization;
using System.Text;
using Marketplace.GrainInterfaces;

namespace Marketplace.Grains.Jobs;

/// <summary>
/// The one check of a <see cref="JobSubmission"/>, field by field, with the limits workers accept; each failure names
/// the field and the limit. The job grain runs it on every submit, naming fields as the contract does (<c>maxFuel</c>);
/// the HTTP API runs the client-set part first, naming them as the wire does (<c>$.max_fuel</c>), so an HTTP client
/// reads the names it sent.
/// </summary>
internal static class JobSubmissionValidator
{
    /// <summary>Largest client id, request id, label key or value, in characters.</summary>
    public const int MaxTextLength = 128;

    /// <summary>Most labels or constraints per job.</summary>
    public const int MaxEntries = 32;

    /// <summary>Most retries a job may ask for.</summary>
    public const int MaxRetries = 10;

    /// <summary>Longest time to live a job may ask for: 365 days in ms (larger values overflow the deadline).</summary>
    public const long MaxTtlMs = 365L * 24 * 60 * 60 * 1000;

    /// <summary>Longest program reference, in characters.</summary>
    public const int MaxProgramLength = 200;

    /// <summary>Throws <see cref="InvalidRequestException"/> for the first bad field of <paramref name="s"/>, submitted
    /// to the job grain keyed <paramref name="jobId"/>.</summary>
    public static void Validate(string jobId, JobSubmission s)
    {
        if (!ClientIds.IsValid(s.ClientId))
        {
            throw Invalid($"clientId: must be 1-{ClientIds.MaxLength} characters without control characters, '/' or surrounding spaces");
        }

        if (!JobIds.IsValid(jobId))
        {
            throw Invalid($"jobId: '{jobId}' is not a job id (job + 32 hex)");
        }

        ValidateFields(s, JobFieldNames.Contract);
        if (!string.IsNullOrEmpty(s.RequestId) && !string.Equals(JobIds.For(s.ClientId, s.RequestId), jobId, StringComparison.Ordinal))
        {
            throw Invalid("requestId: a job with a request id must be submitted to JobIds.For(clientId, requestId)");
        }
    }

    /// <summary>Throws <see cref="InvalidRequestException"/> for the first bad field a client sets in
    /// <paramref name="s"/>, naming it by <paramref name="names"/>.</summary>
    public static void ValidateFields(JobSubmission s, JobFieldNames names)
    {
        var n = names;
        if (s.RequestId is { Length: > MaxTextLength })
        {
            throw Invalid($"{n.RequestId}: expected at most {MaxTextLength} characters");
        }

        if (string.IsNullOrWhiteSpace(s.Program) || s.Program.Length > MaxProgramLength)
        {
            throw Invalid($"{n.Program}: expected a program id, name@version or a name (1-{MaxProgramLength} characters)");
        }

        Range(n.MaxFuel, s.MaxFuel, JobLimits.MaxFuel, " (0 takes the program manifest's value)");
        Range(n.MaxMemoryBytes, s.MaxMemoryBytes, JobLimits.MaxMemoryBytes, " (0 takes the program manifest's value)");
        if (s.MaxMemoryBytes is > 0 and < JobLimits.MinMemoryBytes)
        {
            throw Invalid(string.Create(CultureInfo.InvariantCulture, $"{n.MaxMemoryBytes}: expected 0 or at least {JobLimits.MinMemoryBytes} (one WebAssembly page), got {s.MaxMemoryBytes}"));
        }

        Range(n.TimeoutMs, s.TimeoutMs, JobLimits.MaxTimeoutMs, " (0 takes the program manifest's value)");
        Range(n.MaxPricePerMillionFuel, s.MaxPricePerMillionFuel, long.MaxValue, " (0: any price)");
        Range(n.MaxRetries, s.MaxRetries, MaxRetries, "");
        Range(n.TtlMs, s.TtlMs, MaxTtlMs, " (0: no expiry)");
        if (s.CommitteeSize is { } committee)
        {
            Range(n.CommitteeSize, committee, JobLimits.MaxCommitteeSize, " (0: no committee re-executes the run)");
        }

        if (s.InputBlobId is not null && s.InputInline is not null)
        {
            throw Invalid($"{n.InputBlobId}: give {n.Bare(n.InputBlobId)} or {n.Bare(n.InputInline)}, not both");
        }

        if (s.InputInline is { Length: > JobLimits.MaxInlineInputBytes })
        {
            throw Invalid(string.Create(CultureInfo.InvariantCulture, $"{n.InputInline}: {s.InputInline.Length} bytes is above the inline limit of {JobLimits.MaxInlineInputBytes} bytes (1 MiB); upload larger inputs as a blob"));
        }

        if (s.InputBlobId is not null && !BlobIds.TryNormalize(s.InputBlobId, out _))
        {
            var shown = s.InputBlobId.Length > 80 ? s.InputBlobId[..80] + "…" : s.InputBlobId;
            throw Invalid($"{n.InputBlobId}: '{shown}' is not a blob id ('blob' followed by 64 hex digits)");
        }

        Entries(n.Labels, s.Labels);
        Entries(n.Constraints, s.Constraints);
        Arguments(n.Args, s.Args);
        EnvironmentEntries(n.Env, s.Env);
    }

    /// <summary>True for a program id (<c>prog</c> + 64 lowercase hex).</summary>
    public static bool IsProgramId(string reference) =>
        string.Equals(ProgramDeployments.NormalizeProgramId(reference), reference, StringComparison.Ordinal);

    private static void Range(string field, long value, long max, string note)
    {
        if (value < 0 || value > max)
        {
            throw Invalid(string.Create(CultureInfo.InvariantCulture, $"{field}: expected an integer from 0 to {max}{note}, got {value}"));
        }
    }

    private static void Entries(string field, Dictionary<string, string>? entries)
    {
        if (entries is null)
        {
            return;
        }

        if (entries.Count > MaxEntries)
        {
            throw Invalid($"{field}: at most {MaxEntries} entries");
        }

        foreach (var (key, value) in entries)
        {
            if (string.IsNullOrEmpty(key) || key.Length > MaxTextLength || value is null || value.Length > MaxTextLength)
            {
                throw Invalid($"{field}: keys must be 1-{MaxTextLength} characters and values at most {MaxTextLength}");
            }
        }
    }

    private static void Arguments(string field, List<string>? args)
    {
        if (args is null)
        {
            return;
        }

        if (args.Count > JobLimits.MaxArgs)
        {
            throw Invalid(string.Create(CultureInfo.InvariantCulture, $"{field}: {args.Count} arguments, at most {JobLimits.MaxArgs}"));
        }

        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg is null || arg.Contains('\0', StringComparison.Ordinal))
            {
                throw Invalid(string.Create(CultureInfo.InvariantCulture, $"{field}[{i}]: must be a string without NUL"));
            }

            if (Encoding.UTF8.GetByteCount(arg) > JobLimits.MaxArgOrEnvBytes)
            {
                throw Invalid(string.Create(CultureInfo.InvariantCulture, $"{field}[{i}]: {Encoding.UTF8.GetByteCount(arg)} bytes of UTF-8, at most {JobLimits.MaxArgOrEnvBytes}"));
            }
        }
    }

    private static void EnvironmentEntries(string field, Dictionary<string, string>? env)
    {
        if (env is null)
        {
            return;
        }

        if (env.Count > JobLimits.MaxEnvEntries)
        {
            throw Invalid(string.Create(CultureInfo.InvariantCulture, $"{field}: {env.Count} entries, at most {JobLimits.MaxEnvEntries}"));
        }

        foreach (var (key, value) in env)
        {
            var shown = key.Length > 40 ? key[..40] + "…" : key;
            if (key.Length == 0 || key.Contains('=', StringComparison.Ordinal) || key.Contains('\0', StringComparison.Ordinal))
            {
                throw Invalid($"{field}: key '{shown.Replace("\0", "\\0", StringComparison.Ordinal)}' must be non-empty without '=' or NUL");
            }

            if (value is null || value.Contains('\0', StringComparison.Ordinal))
            {
                throw Invalid($"{field}[{shown}]: the value must be a string without NUL");
            }

            var bytes = Encoding.UTF8.GetByteCount(key) + 1 + Encoding.UTF8.GetByteCount(value);
            if (bytes > JobLimits.MaxArgOrEnvBytes)
            {
                throw Invalid(string.Create(CultureInfo.InvariantCulture, $"{field}[{shown}]: KEY=VALUE is {bytes} bytes of UTF-8, at most {JobLimits.MaxArgOrEnvBytes}"));
            }
        }
    }

    private static InvalidRequestException Invalid(string message) => new(message);
}
