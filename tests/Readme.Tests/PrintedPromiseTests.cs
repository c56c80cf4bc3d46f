using Xunit;

namespace Marketplace.Readme.Tests;

/// <summary>What a <c># prints:</c> comment asks of a command's output.</summary>
public sealed class PrintedPromiseTests
{
    [Fact]
    public void A_promise_with_an_ellipsis_asks_for_its_parts_in_order()
    {
        var promise = new PrintedPromise(1, "HELLO WORLD 1 … HELLO WORLD 100");

        Assert.True(promise.IsKeptBy("HELLO WORLD 1\nHELLO WORLD 2\nHELLO WORLD 100\n"));
        Assert.False(promise.IsKeptBy("HELLO WORLD 100\nHELLO WORLD 1\n"));
        Assert.False(new PrintedPromise(1, "hello blob").IsKeptBy("hello\n"));
    }
}
