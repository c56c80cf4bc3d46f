using System.Diagnostics;
using Xunit;
using Xunit.Abstractions;

namespace Marketplace.Readme.Tests;

/// <summary>
/// The documents' shell blocks, run verbatim with <c>bash -eu</c> at the root of a copy of the repository on a fresh
/// silo, each ending with exit 0 and printing what its <c># prints:</c> comments say.
/// </summary>
/// <remarks>
/// The tests of one class run one after another, so their silos never meet; each checks first that the silo's
/// default ports are free and stops everything its block started, whether the block passed or not.
/// </remarks>
public sealed class ReadmeBlockTests(RepositoryCopy repository, ITestOutputHelper output) : IClassFixture<RepositoryCopy>
{
    /// <summary>The port the chain quick start starts anvil on.</summary>
    private const int AnvilPort = 8545;

    private static readonly Uri ReadyUrl = new("http://127.0.0.1:8080/v1/health/ready");
    private static readonly TimeSpan BlockTimeout = TimeSpan.FromMinutes(6);
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromMinutes(3);

    [Fact]
    public Task The_walk_through_and_the_blocks_that_go_on_in_its_shell_print_what_they_say() =>
        RunToTheEndAsync(nameof(The_walk_through_and_the_blocks_that_go_on_in_its_shell_print_what_they_say));

    [Fact]
    public Task Paying_for_jobs_funds_a_client_and_bonds_a_worker_as_it_says() =>
        RunToTheEndAsync(nameof(Paying_for_jobs_funds_a_client_and_bonds_a_worker_as_it_says));

    [Fact]
    public Task The_quick_start_starts_a_silo_that_becomes_ready_and_prints_its_key() =>
        RunUntilReadyAsync(nameof(The_quick_start_starts_a_silo_that_becomes_ready_and_prints_its_key));

    [NpmFact]
    public Task The_chain_quick_start_deploys_the_contracts_on_anvil_and_starts_a_silo_settling_there() =>
        RunUntilReadyAsync(nameof(The_chain_quick_start_deploys_the_contracts_on_anvil_and_starts_a_silo_settling_there), AnvilPort);

    [Fact]
    public Task The_operator_guide_starts_one_silo_that_becomes_ready_and_prints_its_key() =>
        RunUntilReadyAsync(nameof(The_operator_guide_starts_one_silo_that_becomes_ready_and_prints_its_key));

    /// <summary>
    /// Runs a block that ends by itself (it stops the silo it started), with the blocks that go on in its shell
    /// pasted before its last line, and checks the exit and every promise.
    /// </summary>
    private async Task RunToTheEndAsync(string test)
    {
        var blocks = ShellBlockCatalog.BlocksRunBy(test, RepositoryCopy.Origin);
        var block = blocks[0].ContinuedBy([.. blocks.Skip(1)]);
        LoopbackPorts.RequireSiloDefaultsFree();
        repository.ResetSiloData();
        var clock = Stopwatch.StartNew();
        await using var run = repository.Start(block);
        var exit = await run.WaitForExitAsync(BlockTimeout);
        await run.StopAsync();
        output.WriteLine($"{block.Name}: exit {exit} after {clock.Elapsed.TotalSeconds:0.0} s");
        output.WriteLine(ShellBlockProcess.Tail(run.Output));

        Assert.True(exit == 0, $"{block.Name} failed with exit {exit}. Its output:\n{ShellBlockProcess.Tail(run.Output)}");
        AssertPromisesKept(run);
    }

    /// <summary>
    /// Runs a block whose last command is a silo in the foreground, as a user does before pressing Ctrl-C: waits until
    /// the silo answers ready on the README's address, stops it and all the block started (anvil too), and checks the
    /// promises against everything it printed.
    /// </summary>
    private async Task RunUntilReadyAsync(string test, params int[] otherPorts)
    {
        var block = ShellBlockCatalog.BlocksRunBy(test, RepositoryCopy.Origin).Single();
        LoopbackPorts.RequireSiloDefaultsFree();
        LoopbackPorts.RequireFree(otherPorts);
        repository.ResetSiloData();
        var clock = Stopwatch.StartNew();
        await using var run = repository.Start(block);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        using var deadline = new CancellationTokenSource(ReadyTimeout);
        while (!await IsReadyAsync(http))
        {
            Assert.False(run.HasExited, $"{block.Name} ended before its silo was ready. Its output:\n{ShellBlockProcess.Tail(run.Output)}");
            Assert.False(deadline.IsCancellationRequested,
                $"{block.Name}: {ReadyUrl} did not answer 200 within {ReadyTimeout.TotalSeconds:0} s. Its output:\n{ShellBlockProcess.Tail(run.Output)}");
            await Task.Delay(TimeSpan.FromMilliseconds(250));
        }

        output.WriteLine($"{block.Name}: ready after {clock.Elapsed.TotalSeconds:0.0} s");
        await run.StopAsync();
        output.WriteLine(ShellBlockProcess.Tail(run.Output));
        AssertPromisesKept(run);
    }

    private void AssertPromisesKept(ShellBlockProcess run)
    {
        var broken = new List<string>();
        foreach (var promise in PrintedPromise.In(run.Block))
        {
            var printed = run.OutputOfCommandAt(promise.Line);
            output.WriteLine($"line {promise.Line}: prints \"{promise.Text}\": {(promise.IsKeptBy(printed) ? "yes" : "NO")}");
            if (!promise.IsKeptBy(printed))
            {
                broken.Add($"line {promise.Line} of {run.Block.Name} ({run.Block.Lines[promise.Line - 1].Trim()}) promises "
                    + $"\"{promise.Text}\"; the command printed:\n{ShellBlockProcess.Tail(printed, 2000)}");
            }
        }

        Assert.True(broken.Count == 0, string.Join("\n\n", broken));
    }

    private static async Task<bool> IsReadyAsync(HttpClient http)
    {
        try
        {
            using var response = await http.GetAsync(ReadyUrl);
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false; // not listening yet
        }
        catch (TaskCanceledException)
        {
            return false; // listening, not answering yet
        }
    }
}
