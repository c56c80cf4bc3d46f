using Microsoft.Extensions.Options;

namespace Marketplace.Persistence.Sqlite.Tests;

/// <summary>The validators name the storage, the failing field and its value, and accept the documented defaults.</summary>
public sealed class OptionsValidatorTests
{
    [Fact]
    public void DefaultsWithAFileAreValid()
    {
        var storage = new SqliteGrainStorageOptions { ConnectionString = "Data Source=x/grains.db", GrainStorageSerializer = Providers.Serializer };
        Assert.True(new SqliteGrainStorageOptionsValidator().Validate("Default", storage).Succeeded);
        Assert.Null(storage.ServiceId);
        Assert.False(storage.DeleteStateOnClear);
        Assert.Equal(TimeSpan.FromSeconds(30), storage.BusyTimeout);
        Assert.Equal(ServiceLifecycleStage.ApplicationServices, storage.InitStage);

        var reminders = new SqliteReminderTableOptions { ConnectionString = "Data Source=x/grains.db" };
        Assert.True(new SqliteReminderTableOptionsValidator().Validate(null, reminders).Succeeded);
        Assert.Null(reminders.ServiceId);
        Assert.Equal(TimeSpan.FromSeconds(30), reminders.BusyTimeout);
    }

    [Theory]
    [InlineData("", "ConnectionString '' is empty")]
    [InlineData("Data Source=:memory:", "ConnectionString 'Data Source=:memory:' names an in-memory database")]
    [InlineData("Data Source=x.db;Mode=Memory", "ConnectionString 'Data Source=x.db;Mode=Memory' names an in-memory database")]
    [InlineData("Data Source=x.db;Mode=ReadOnly", "ConnectionString 'Data Source=x.db;Mode=ReadOnly' opens the file read-only")]
    [InlineData("Cache=Shared", "ConnectionString 'Cache=Shared' names no file")]
    [InlineData("Colour=Blue", "ConnectionString 'Colour=Blue' is not a SQLite connection string")]
    public void BadConnectionStringsAreNamed(string connectionString, string expected)
    {
        var storage = Failures(new SqliteGrainStorageOptions { ConnectionString = connectionString, GrainStorageSerializer = Providers.Serializer });
        Assert.Contains($"SQLite grain storage 'orders': SqliteGrainStorageOptions.{expected}", storage, StringComparison.Ordinal);
        var reminders = Failures(new SqliteReminderTableOptions { ConnectionString = connectionString });
        Assert.Contains($"SQLite reminder table: SqliteReminderTableOptions.{expected}", reminders, StringComparison.Ordinal);
    }

    [Fact]
    public void BadServiceIdsAndTimeoutsAreNamed()
    {
        var longId = new string('s', 151);
        var storage = Failures(new SqliteGrainStorageOptions
        {
            ConnectionString = "Data Source=x.db",
            ServiceId = " ",
            BusyTimeout = TimeSpan.FromHours(25),
            GrainStorageSerializer = Providers.Serializer,
        });
        Assert.Contains("SqliteGrainStorageOptions.ServiceId ' ' is blank", storage, StringComparison.Ordinal);
        Assert.Contains("SqliteGrainStorageOptions.BusyTimeout 1.01:00:00 is longer than 24 hours", storage, StringComparison.Ordinal);

        var reminders = Failures(new SqliteReminderTableOptions { ConnectionString = "Data Source=x.db", ServiceId = longId });
        Assert.Contains($"SqliteReminderTableOptions.ServiceId '{longId}' has 151 characters, more than 150", reminders, StringComparison.Ordinal);
    }

    [Fact]
    public void AMissingSerializerIsNamed()
    {
        var storage = Failures(new SqliteGrainStorageOptions { ConnectionString = "Data Source=x.db" });
        Assert.Contains("SqliteGrainStorageOptions.GrainStorageSerializer is null", storage, StringComparison.Ordinal);
    }

    private static string Failures(SqliteGrainStorageOptions options)
    {
        var result = new SqliteGrainStorageOptionsValidator().Validate("orders", options);
        Assert.True(result.Failed);
        return result.FailureMessage;
    }

    private static string Failures(SqliteReminderTableOptions options)
    {
        var result = new SqliteReminderTableOptionsValidator().Validate(Options.DefaultName, options);
        Assert.True(result.Failed);
        return result.FailureMessage;
    }
}
