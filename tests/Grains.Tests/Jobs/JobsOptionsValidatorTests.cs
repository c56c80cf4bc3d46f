using Marketplace.Grains.Jobs;
using Xunit;

namespace Marketplace.Grains.Tests.Jobs;

public sealed class JobsOptionsValidatorTests
{
    [Fact]
    public void DefaultsAreValid() => Assert.True(new JobsOptionsValidator().Validate(null, new JobsOptions()).Succeeded);

    [Fact]
    public void EveryBadFieldIsNamedWithItsValue()
    {
        var options = new JobsOptions
        {
            LeaseDuration = TimeSpan.Zero,
            BidWindow = TimeSpan.FromSeconds(-1),
            MaxLogEntries = 1,
            DefaultWorkers = -3,
            DefaultWorkerPrefix = " ",
            AbsentWorkerWait = TimeSpan.FromSeconds(-5),
        };
        var result = new JobsOptionsValidator().Validate(null, options);
        Assert.True(result.Failed);
        var failures = result.Failures!.ToList();
        Assert.Equal(6, failures.Count);
        Assert.Contains("Marketplace:Jobs:LeaseDuration is 00:00:00; it must be positive", failures);
        Assert.Contains("Marketplace:Jobs:BidWindow is -00:00:01; it must not be negative", failures);
        Assert.Contains("Marketplace:Jobs:MaxLogEntries is 1; it must be at least 2", failures);
        Assert.Contains("Marketplace:Jobs:DefaultWorkers is -3; it must not be negative", failures);
        Assert.Contains("Marketplace:Jobs:DefaultWorkerPrefix ' ' must have 1-60 characters", failures);
        Assert.Contains("Marketplace:Jobs:AbsentWorkerWait is -00:00:05; it must not be negative", failures);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-16)]
    [InlineData(1_000_001)]
    public void ACommitteeSampleRateOutsideOneToAMillionIsRefused(int every)
    {
        var result = new JobsOptionsValidator().Validate(null, new JobsOptions { CommitteeSampleEvery = every });
        Assert.Equal($"Marketplace:Jobs:CommitteeSampleEvery is {every}; it must be 1-1000000 (1: every run)", Assert.Single(result.Failures!));
        Assert.True(new JobsOptionsValidator().Validate(null, new JobsOptions { CommitteeSampleEvery = 1 }).Succeeded);
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(-1L)]
    [InlineData(512L * 1024 * 1024 + 1)]
    [InlineData(long.MaxValue)]
    public void AnInputLimitOutsideOneByteTo512MiBIsRefused(long bytes)
    {
        var result = new JobsOptionsValidator().Validate(null, new JobsOptions { MaxInputBytes = bytes });
        Assert.StartsWith($"Marketplace:Jobs:MaxInputBytes is {bytes}; it must be from 1 to 536870912", Assert.Single(result.Failures!), StringComparison.Ordinal);
        Assert.True(new JobsOptionsValidator().Validate(null, new JobsOptions { MaxInputBytes = 1 }).Succeeded);
    }
}
