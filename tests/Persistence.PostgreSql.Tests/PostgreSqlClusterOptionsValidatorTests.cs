using Xunit;

namespace Marketplace.Persistence.PostgreSql.Tests;

/// <summary>The options validator names the failing field.</summary>
public sealed class PostgreSqlClusterOptionsValidatorTests
{
    private readonly PostgreSqlClusterOptionsValidator _validator = new();

    [Fact]
    public void MissingConnectionStringIsNamed()
    {
        var result = _validator.Validate(null, new PostgreSqlClusterOptions());

        Assert.True(result.Failed);
        Assert.Contains("PostgreSqlClusterOptions.ConnectionString", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void MalformedConnectionStringIsNamedWithoutEchoingIt()
    {
        var result = _validator.Validate(null, new PostgreSqlClusterOptions { ConnectionString = "Host=db;Password=secret;NoSuchKey=1" });

        Assert.True(result.Failed);
        Assert.Contains("PostgreSqlClusterOptions.ConnectionString", result.FailureMessage, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void ConnectionStringWithHostIsAccepted()
    {
        var result = _validator.Validate(null, new PostgreSqlClusterOptions { ConnectionString = "Host=127.0.0.1;Database=marketplace" });

        Assert.True(result.Succeeded);
    }
}
