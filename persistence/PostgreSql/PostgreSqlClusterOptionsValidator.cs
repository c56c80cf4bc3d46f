using Microsoft.Extensions.Options;
using Npgsql;

namespace Marketplace.Persistence.PostgreSql;

/// <summary>Rejects <see cref="PostgreSqlClusterOptions"/> that cannot work, naming the failing field.</summary>
internal sealed class PostgreSqlClusterOptionsValidator : IValidateOptions<PostgreSqlClusterOptions>
{
    public ValidateOptionsResult Validate(string? name, PostgreSqlClusterOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            return ValidateOptionsResult.Fail(
                $"{nameof(PostgreSqlClusterOptions)}.{nameof(PostgreSqlClusterOptions.ConnectionString)} is required but was empty.");
        }

        try
        {
            var builder = new NpgsqlConnectionStringBuilder(options.ConnectionString);
            if (string.IsNullOrWhiteSpace(builder.Host))
            {
                return ValidateOptionsResult.Fail(
                    $"{nameof(PostgreSqlClusterOptions)}.{nameof(PostgreSqlClusterOptions.ConnectionString)} names no Host.");
            }
        }
        catch (ArgumentException e)
        {
            // The value may hold a password: report the parser's complaint, not the string itself.
            return ValidateOptionsResult.Fail(
                $"{nameof(PostgreSqlClusterOptions)}.{nameof(PostgreSqlClusterOptions.ConnectionString)} is not a valid Npgsql connection string: {e.Message}");
        }

        return ValidateOptionsResult.Success;
    }
}
