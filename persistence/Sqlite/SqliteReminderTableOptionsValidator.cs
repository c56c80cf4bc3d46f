using Microsoft.Extensions.Options;

namespace Marketplace.Persistence.Sqlite;

/// <summary>Checks <see cref="SqliteReminderTableOptions"/>; each failure names the field and its value.</summary>
internal sealed class SqliteReminderTableOptionsValidator : IValidateOptions<SqliteReminderTableOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, SqliteReminderTableOptions options)
    {
        const string prefix = $"SQLite reminder table: {nameof(SqliteReminderTableOptions)}.";
        var failures = new List<string>();
        if (SqliteConnectionStrings.Problem(options.ConnectionString) is { } problem)
        {
            failures.Add($"{prefix}{nameof(options.ConnectionString)} '{options.ConnectionString}' {problem}.");
        }

        if (OptionChecks.ServiceIdProblem(options.ServiceId) is { } serviceId)
        {
            failures.Add($"{prefix}{nameof(options.ServiceId)} '{options.ServiceId}' {serviceId}.");
        }

        if (OptionChecks.BusyTimeoutProblem(options.BusyTimeout) is { } busy)
        {
            failures.Add($"{prefix}{nameof(options.BusyTimeout)} {options.BusyTimeout} {busy}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
