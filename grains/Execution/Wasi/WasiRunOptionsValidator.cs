namespace Marketplace.Grains.Execution.Wasi;

/// <summary>Checks <see cref="WasiRunOptions"/>, naming the failing field and its value.</summary>
internal static class WasiRunOptionsValidator
{
    private static readonly DateTimeOffset LatestStart = new(2500, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Throws when an option is out of range.</summary>
    /// <exception cref="ArgumentException">A field is invalid; the message names it and its value.</exception>
    public static void Validate(WasiRunOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrEmpty(options.JobId))
        {
            throw Invalid(nameof(options.JobId), "\"\"", "must not be empty");
        }

        if (string.IsNullOrEmpty(options.ProgramName) || options.ProgramName.Contains('\0', StringComparison.Ordinal))
        {
            throw Invalid(nameof(options.ProgramName), $"\"{options.ProgramName}\"", "must be non-empty without NUL");
        }

        for (var i = 0; i < options.Arguments.Count; i++)
        {
            if (options.Arguments[i].Contains('\0', StringComparison.Ordinal))
            {
                throw Invalid($"{nameof(options.Arguments)}[{i}]", $"\"{options.Arguments[i]}\"", "must not contain NUL");
            }
        }

        for (var i = 0; i < options.Environment.Count; i++)
        {
            var (key, value) = options.Environment[i];
            if (key.Length == 0 || key.Contains('=', StringComparison.Ordinal) || key.Contains('\0', StringComparison.Ordinal)
                || value.Contains('\0', StringComparison.Ordinal))
            {
                throw Invalid($"{nameof(options.Environment)}[{i}]", $"\"{key}={value}\"", "needs a non-empty key without '=' and no NUL");
            }
        }

        if (options.StartTime < DateTimeOffset.UnixEpoch || options.StartTime >= LatestStart)
        {
            throw Invalid(nameof(options.StartTime), options.StartTime.ToString("O"), "must lie from the Unix epoch to before the year 2500 (Unix nanoseconds in 64 bits)");
        }

        if (options.StdoutLimitBytes < 1)
        {
            throw Invalid(nameof(options.StdoutLimitBytes), options.StdoutLimitBytes.ToString(), "must be at least 1");
        }

        if (options.StderrLimitBytes < 1)
        {
            throw Invalid(nameof(options.StderrLimitBytes), options.StderrLimitBytes.ToString(), "must be at least 1");
        }

        if (options.MemoryLimitBytes < 65536)
        {
            throw Invalid(nameof(options.MemoryLimitBytes), options.MemoryLimitBytes.ToString(), "must be at least one 64 KiB page");
        }
    }

    private static ArgumentException Invalid(string field, string value, string rule) =>
        new($"WasiRunOptions.{field} = {value}: {rule}.", "options");
}
