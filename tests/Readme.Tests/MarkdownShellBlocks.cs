namespace Marketplace.Readme.Tests;

/// <summary>
/// Finds the fenced shell blocks of a Markdown document, each with the heading it sits under.
/// </summary>
/// <remarks>
/// Reads the subset of CommonMark the repository's documents use: ATX headings (<c>## Title</c>) outside fences,
/// and fences of three or more backticks or tildes, indented at most three spaces, closed by a fence of the same
/// character at least as long. A block is a shell block when its info string's first word is <c>sh</c>,
/// <c>bash</c>, <c>shell</c> or <c>console</c>, so a block marked with any of them is found and must be accounted
/// for; other fences (<c>csharp</c>, <c>sql</c>, none) are skipped, and a <c>#</c> line inside them is not a heading.
/// </remarks>
internal static class MarkdownShellBlocks
{
    private static readonly HashSet<string> ShellLanguages = new(StringComparer.OrdinalIgnoreCase) { "sh", "bash", "shell", "console" };

    /// <summary>Reads <paramref name="document"/> (a path from <paramref name="repositoryRoot"/>) and returns its shell blocks in order.</summary>
    public static IReadOnlyList<ShellBlock> Read(string repositoryRoot, string document)
    {
        var path = Path.Combine(repositoryRoot, document);
        return Parse(document, File.ReadAllText(path));
    }

    /// <summary>Returns the shell blocks of <paramref name="markdown"/>, naming <paramref name="document"/> as their source.</summary>
    public static IReadOnlyList<ShellBlock> Parse(string document, string markdown)
    {
        var lines = markdown.Replace("\r\n", "\n").Split('\n');
        var blocks = new List<ShellBlock>();
        var perHeading = new Dictionary<string, int>(StringComparer.Ordinal);
        var heading = "";
        for (var i = 0; i < lines.Length; i++)
        {
            if (OpeningFence(lines[i]) is not { } fence)
            {
                if (HeadingText(lines[i]) is { } title)
                {
                    heading = title;
                }

                continue;
            }

            var content = new List<string>();
            var first = i + 2;
            i++;
            while (i < lines.Length && !Closes(lines[i], fence.Marker))
            {
                content.Add(lines[i]);
                i++;
            }

            if (!ShellLanguages.Contains(fence.Language))
            {
                continue;
            }

            var ordinal = perHeading.GetValueOrDefault(heading) + 1;
            perHeading[heading] = ordinal;
            var text = content.Count == 0 ? "" : string.Join('\n', content) + "\n";
            blocks.Add(new ShellBlock(document, heading, ordinal, first, text));
        }

        return blocks;
    }

    private static (string Marker, string Language)? OpeningFence(string line)
    {
        var trimmed = line.TrimStart(' ');
        if (line.Length - trimmed.Length > 3 || trimmed.Length < 3 || (trimmed[0] != '`' && trimmed[0] != '~'))
        {
            return null;
        }

        var length = 0;
        while (length < trimmed.Length && trimmed[length] == trimmed[0])
        {
            length++;
        }

        if (length < 3)
        {
            return null;
        }

        var info = trimmed[length..].Trim();
        var language = info.Split(' ', 2)[0];
        return (trimmed[..length], language);
    }

    private static bool Closes(string line, string marker)
    {
        var trimmed = line.TrimStart(' ');
        if (line.Length - trimmed.Length > 3 || !trimmed.StartsWith(marker, StringComparison.Ordinal))
        {
            return false;
        }

        return trimmed.TrimEnd().All(c => c == marker[0]);
    }

    private static string? HeadingText(string line)
    {
        var level = 0;
        while (level < line.Length && line[level] == '#')
        {
            level++;
        }

        if (level is 0 or > 6 || (level < line.Length && line[level] != ' '))
        {
            return null;
        }

        return line[level..].Trim().TrimEnd('#').Trim();
    }
}
