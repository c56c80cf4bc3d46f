namespace Marketplace.Readme.Tests;

/// <summary>
/// One fenced shell block (<c>```sh</c>) of a Markdown document: where it is and what it says.
/// </summary>
/// <param name="Document">The document's path from the repository root, with forward slashes (<c>README.md</c>).</param>
/// <param name="Heading">The text of the nearest heading above the block, without its <c>#</c> marks.</param>
/// <param name="Ordinal">1 for the first shell block under that heading, 2 for the second, and so on.</param>
/// <param name="FirstLine">The document's line number (1-based) of the block's first line of content.</param>
/// <param name="Text">The block's content, every line ending in a line feed, as a user would copy it.</param>
internal sealed record ShellBlock(string Document, string Heading, int Ordinal, int FirstLine, string Text)
{
    /// <summary>How failures and listings name the block: document, heading and ordinal.</summary>
    public string Name => $"{Document} \"{Heading}\" block {Ordinal} (line {FirstLine})";

    /// <summary>The block's lines, without their line feeds.</summary>
    public IReadOnlyList<string> Lines => Text.TrimEnd('\n').Split('\n');

    /// <summary>
    /// This block with <paramref name="continuations"/> pasted into its shell before its last line, as the documents
    /// ask for blocks that go on in the walk-through's shell "before its <c>kill %1</c>": the continuations' lines
    /// come after all of this block's lines but the last, which ends the whole.
    /// </summary>
    public ShellBlock ContinuedBy(IReadOnlyList<ShellBlock> continuations)
    {
        if (continuations.Count == 0)
        {
            return this;
        }

        var lines = Lines;
        var text = string.Concat(lines.Take(lines.Count - 1).Select(l => l + "\n"))
            + string.Concat(continuations.Select(c => c.Text))
            + lines[^1] + "\n";
        return this with { Heading = string.Join(" + ", [Heading, .. continuations.Select(c => c.Heading)]), Text = text };
    }
}
