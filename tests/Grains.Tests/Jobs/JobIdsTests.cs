using Marketplace.GrainInterfaces;
using Xunit;

namespace Marketplace.Grains.Tests.Jobs;

public sealed class JobIdsTests
{
    [Fact]
    public void SameClientAndRequestIdGiveTheSameJobId()
    {
        var a = JobIds.For("client-a", "req-1");
        Assert.Equal(a, JobIds.For("client-a", "req-1"));
        Assert.True(JobIds.IsValid(a));
        Assert.NotEqual(a, JobIds.For("client-b", "req-1"));
        Assert.NotEqual(a, JobIds.For("client-a", "req-2"));
    }

    [Fact]
    public void ClientAndRequestBoundariesCannotBeShifted()
    {
        // "ab" + "c" and "a" + "bc" must not collide.
        Assert.NotEqual(JobIds.For("ab", "c"), JobIds.For("a", "bc"));
    }

    [Fact]
    public void WithoutARequestIdEveryJobIdIsFresh()
    {
        Assert.NotEqual(JobIds.For("c", null), JobIds.For("c", null));
        Assert.NotEqual(JobIds.For("c", ""), JobIds.For("c", ""));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("job")]
    [InlineData("job0123456789abcdef0123456789ABCDEF")]
    [InlineData("bob0123456789abcdef0123456789abcdef")]
    [InlineData("job0123456789abcdef0123456789abcdef0")]
    public void MalformedIdsAreInvalid(string? id) => Assert.False(JobIds.IsValid(id));
}
