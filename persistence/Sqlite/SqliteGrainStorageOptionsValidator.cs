using Microsoft.Extensions.Options;

namespace Marketplace.Persistence.Sqlite;

/// <summary>Checks <see cref="SqliteGrainStorageOptions"/>; each failure names the storage, the field and its value.</summary>
internal sealed class SqliteGrainStorageOptionsValidator : IValidateOptions<SqliteGrainStorageOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, SqliteGrainStorageOptions options)
    {
        var prefix = $"SQLite grain storage '{name}': {nameof(SqliteGrainStorageOptions)}.";
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

        if (options.GrainStorageSerializer is null)
        {
            failures.Add($"{prefix}{nameof(options.GrainStorageSerializer)} is null and no IGrainStorageSerializer is registered.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
