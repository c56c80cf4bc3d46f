using Marketplace.Silo.Api;
using Marketplace.TestSupport;
using Xunit;

namespace Marketplace.Api.Tests;

/// <summary>The silo's side of a client's cluster-wide rate budget: slices fetched from the budget's grain (here a
/// bucket behind a function) and spent locally.</summary>
public sealed class ClusterRateBudgetTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 26, 0, 0, 0, TimeSpan.Zero);
    private static readonly ClientRateLimit Limit = new() { RequestsPerSecond = 100, Burst = 100 };

    [Fact]
    public async Task Concurrent_requests_on_a_spent_slice_wait_for_one_fetch_and_waste_no_tokens()
    {
        var clock = new ManualClock(Start);
        var bucket = new RequestTokenBucket();
        var calls = 0;
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var budget = new ClusterRateBudget(async (_, wanted, rate, burst) =>
        {
            Interlocked.Increment(ref calls);
            await gate.Task;
            lock (bucket)
            {
                return bucket.Take(wanted, rate, burst, clock.GetUtcNow());
            }
        }, clock);

        // Thirty requests at once, slices of ten (a tenth of the rate): only the first starts a fetch.
        var requests = Enumerable.Range(0, 30).Select(_ => budget.TryTakeAsync("c1", Limit).AsTask()).ToList();
        Assert.Equal(1, Volatile.Read(ref calls));
        gate.SetResult();
        var answers = await Task.WhenAll(requests);

        Assert.All(answers, a => Assert.Equal(BudgetAnswer.Admitted, a));
        Assert.Equal(3, calls);
        lock (bucket)
        {
            Assert.Equal(70, bucket.Take(1000, 100, 100, clock.GetUtcNow()));
        }
    }

    [Fact]
    public async Task A_spent_budget_refuses_every_waiting_request_and_a_new_second_admits_again()
    {
        var clock = new ManualClock(Start);
        var bucket = new RequestTokenBucket();
        var budget = new ClusterRateBudget((_, wanted, rate, burst) => Task.FromResult(bucket.Take(wanted, rate, burst, clock.GetUtcNow())), clock);
        var limit = new ClientRateLimit { RequestsPerSecond = 10, Burst = 3 };

        var admitted = 0;
        for (var i = 0; i < 5; i++)
        {
            admitted += await budget.TryTakeAsync("c1", limit) == BudgetAnswer.Admitted ? 1 : 0;
        }

        Assert.Equal(3, admitted);
        Assert.Equal(BudgetAnswer.Refused, await budget.TryTakeAsync("c1", limit));
        clock.Advance(TimeSpan.FromMilliseconds(100));
        Assert.Equal(BudgetAnswer.Admitted, await budget.TryTakeAsync("c1", limit));
        Assert.Equal(BudgetAnswer.Refused, await budget.TryTakeAsync("c1", limit));
    }

    [Fact]
    public async Task An_unreachable_budget_hands_the_decision_to_the_silo_for_ten_seconds()
    {
        var clock = new ManualClock(Start);
        var calls = 0;
        var budget = new ClusterRateBudget((_, _, _, _) =>
        {
            Interlocked.Increment(ref calls);
            return Task.FromException<int>(new SiloUnavailableException("the budget's silo died"));
        }, clock);

        Assert.Equal(BudgetAnswer.Unreachable, await budget.TryTakeAsync("c1", Limit));
        Assert.Equal(BudgetAnswer.Unreachable, await budget.TryTakeAsync("c1", Limit));
        Assert.Equal(1, calls);
        clock.Advance(TimeSpan.FromSeconds(11));
        Assert.Equal(BudgetAnswer.Unreachable, await budget.TryTakeAsync("c1", Limit));
        Assert.Equal(2, calls);
    }

    [Fact]
    public async Task A_fetch_that_fails_unexpectedly_fails_its_waiters_and_leaves_the_next_request_free_to_fetch()
    {
        var calls = 0;
        var gate = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var budget = new ClusterRateBudget((_, _, _, _) => Interlocked.Increment(ref calls) == 1 ? gate.Task : Task.FromResult(5), new ManualClock(Start));

        var first = budget.TryTakeAsync("c1", Limit).AsTask();
        var second = budget.TryTakeAsync("c1", Limit).AsTask();
        gate.SetException(new InvalidOperationException("broken budget"));

        await Assert.ThrowsAsync<InvalidOperationException>(() => first);
        await Assert.ThrowsAsync<InvalidOperationException>(() => second);
        Assert.Equal(BudgetAnswer.Admitted, await budget.TryTakeAsync("c1", Limit));
    }
}
