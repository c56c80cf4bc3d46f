// Design: the job grain validates every submission (for grain clients too) and names fields as the contract's
// members. Over HTTP a client knows only the wire names, so the API checks the fields a client sets before the grain
// call, with the same limits, and names them by JSON path (`$.max_fuel`). What reaches the grain validator after this
// check (labels, constraints, args, env) already carries the wire names.
using System.Globalization;
using Marketplace.GrainInterfaces;
using Marketplace.Grains.Jobs;

namespace Marketplace.Silo.Api;

/// <summary>Checks an HTTP job submission field by field, naming the wire fields.</summary>
internal static class JobSubmissionChecks
{
    /// <summary>Throws <see cref="InvalidRequestException"/> for the first bad field of <paramref name="s"/>.</summary>
    public static void Check(JobSubmission s)
    {
        if (s.RequestId is { Length: > JobSubmissionValidator.MaxTextLength })
        {
            throw Invalid($"$.request_id: expected at most {JobSubmissionValidator.MaxTextLength} characters");
        }

        if (string.IsNullOrWhiteSpace(s.Program) || s.Program.Length > 200)
        {
            throw Invalid("$.program: expected a program id, name@version or a name (1-200 characters)");
        }

        Range("max_fuel", s.MaxFuel, JobLimits.MaxFuel, " (0 takes the program manifest's value)");
        Range("max_memory_bytes", s.MaxMemoryBytes, JobLimits.MaxMemoryBytes, " (0 takes the program manifest's value)");
        Range("timeout_ms", s.TimeoutMs, JobLimits.MaxTimeoutMs, " (0 takes the program manifest's value)");
        Range("max_price_per_million_fuel", s.MaxPricePerMillionFuel, long.MaxValue, " (0: any price)");
        Range("max_retries", s.MaxRetries, JobSubmissionValidator.MaxRetries, "");
        Range("ttl_ms", s.TtlMs, JobSubmissionValidator.MaxTtlMs, " (0: no expiry)");
        if (s.InputBlobId is not null && s.InputInline is not null)
        {
            throw Invalid("$.input_blob_id: give input_blob_id or input_base64, not both");
        }

        if (s.InputInline is { Length: > JobLimits.MaxInlineInputBytes })
        {
            throw Invalid(string.Create(CultureInfo.InvariantCulture, $"$.input_base64: {s.InputInline.Length} bytes is above the inline limit of {JobLimits.MaxInlineInputBytes} bytes (1 MiB); upload larger inputs as a blob"));
        }

        if (s.InputBlobId is not null && !BlobIds.TryNormalize(s.InputBlobId, out _))
        {
            throw Invalid("$.input_blob_id: expected a blob id ('blob' followed by 64 hex digits)");
        }
    }

    private static void Range(string field, long value, long max, string note)
    {
        if (value < 0 || value > max)
        {
            throw Invalid(string.Create(CultureInfo.InvariantCulture, $"$.{field}: expected an integer from 0 to {max}{note}, got {value}"));
        }
    }

    private static InvalidRequestException Invalid(string message) => new(message);
}
