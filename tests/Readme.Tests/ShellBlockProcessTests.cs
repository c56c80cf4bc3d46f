using Xunit;

namespace Marketplace.Readme.Tests;

/// <summary>The block runner cuts output by command without touching the block, and leaves nothing running.</summary>
public sealed class ShellBlockProcessTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(1);
    private readonly string _scratch = Path.Combine(Path.GetTempPath(), "marketplace-readme-tests", "runner-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Each_command_s_output_is_its_own_and_a_redirected_loop_gets_no_markers()
    {
        var block = Block("""
            echo one
            for i in 1 2; do echo "x$i"; done > "$TMPDIR/loop.txt"
            cat "$TMPDIR/loop.txt"; echo \
              three   # prints: x1 … three
            """);

        await using var run = Start(block);
        Assert.Equal(0, await run.WaitForExitAsync(Timeout));
        await run.StopAsync();

        Assert.Equal("one\n", run.OutputOfCommandAt(1));
        Assert.Equal("x1\nx2\n", await File.ReadAllTextAsync(Path.Combine(_scratch, "loop.txt")));
        Assert.Equal("x1\nx2\nthree\n", run.OutputOfCommandAt(4));
        Assert.Equal("one\nx1\nx2\nthree\n", run.Output);
        Assert.True(PrintedPromise.In(block).Single().IsKeptBy(run.OutputOfCommandAt(4)));
    }

    [Fact]
    public async Task A_failing_command_ends_the_block_and_an_unset_variable_is_a_failure()
    {
        await using var failing = Start(Block("false\necho never\n"));
        Assert.NotEqual(0, await failing.WaitForExitAsync(Timeout));
        await using var unset = Start(Block("echo \"$NO_SUCH_VARIABLE_IN_A_README\"\n"));
        Assert.NotEqual(0, await unset.WaitForExitAsync(Timeout));
        await failing.StopAsync();
        Assert.DoesNotContain("never", failing.Output);
    }

    [Fact]
    public async Task Stopping_a_block_ends_what_it_left_running_in_the_background()
    {
        var pidFile = Path.Combine(_scratch, "background.pid");
        await using var run = Start(Block($"sleep 600 > /dev/null 2>&1 &\necho $! > {pidFile}\n"));
        Assert.Equal(0, await run.WaitForExitAsync(Timeout));
        var pid = int.Parse((await File.ReadAllTextAsync(pidFile)).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(Directory.Exists($"/proc/{pid}"), "the background sleep should outlive its shell until stopped");

        await run.StopAsync();

        Assert.False(Directory.Exists($"/proc/{pid}") && !File.ReadAllText($"/proc/{pid}/stat").Contains(") Z ", StringComparison.Ordinal),
            $"the background sleep {pid} still runs after StopAsync");
    }

    public void Dispose()
    {
        if (Directory.Exists(_scratch))
        {
            Directory.Delete(_scratch, recursive: true);
        }
    }

    private static ShellBlock Block(string text) => new("(test)", "runner", 1, 1, text.EndsWith('\n') ? text : text + "\n");

    private ShellBlockProcess Start(ShellBlock block) =>
        ShellBlockProcess.Start(block, Path.GetTempPath(), _scratch, new Dictionary<string, string> { ["TMPDIR"] = _scratch });
}
