using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
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

/// <summary>The silo builder extension validates its options when the host starts, before the silo does anything.</summary>
public sealed class UsePostgreSqlClusterValidationTests
{
    [Fact]
    public async Task SiloWithoutConnectionStringFailsToStartNamingTheField()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.UseOrleans(silo => silo.UsePostgreSqlCluster(_ => { }));
        using var host = builder.Build();

        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("PostgreSqlClusterOptions.ConnectionString", failure.Message, StringComparison.Ordinal);
    }
}
