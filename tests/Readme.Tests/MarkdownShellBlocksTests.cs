using Xunit;

namespace Marketplace.Readme.Tests;

/// <summary>The Markdown reader finds shell blocks where a reader sees them, and nothing else.</summary>
public sealed class MarkdownShellBlocksTests
{
    [Fact]
    public void The_reader_finds_shell_blocks_under_their_headings_and_skips_other_fences()
    {
        const string Markdown = """
            # Title

            ```sh
            echo one   # prints: one
            ```

            ## Section

            ```csharp
            # not a heading
            ```

            ~~~bash
            echo two
            ```
            still inside
            ~~~

            ```sh
            echo three
            ```
            """;

        var blocks = MarkdownShellBlocks.Parse("doc.md", Markdown);

        Assert.Equal(3, blocks.Count);
        Assert.Equal(("Title", 1, 4, "echo one   # prints: one\n"), (blocks[0].Heading, blocks[0].Ordinal, blocks[0].FirstLine, blocks[0].Text));
        Assert.Equal(("Section", 1, "echo two\n```\nstill inside\n"), (blocks[1].Heading, blocks[1].Ordinal, blocks[1].Text));
        Assert.Equal(("Section", 2), (blocks[2].Heading, blocks[2].Ordinal));
        Assert.Equal([new PrintedPromise(1, "one")], PrintedPromise.In(blocks[0]));
    }
}
