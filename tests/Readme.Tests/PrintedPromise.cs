using System.Text.RegularExpressions;

namespace Marketplace.Readme.Tests;

/// <summary>
/// What a shell block's command says it prints: a trailing comment <c># prints: TEXT</c> on the command's line.
/// </summary>
/// <remarks>
/// The promise holds when the command's output (standard output and error together) contains TEXT. A <c>…</c> in
/// TEXT stands for anything, so <c># prints: HELLO WORLD 1 … HELLO WORLD 100</c> asks for <c>HELLO WORLD 1</c> and,
/// later in the output, <c>HELLO WORLD 100</c>. Only a comment that begins with <c>prints:</c> is a promise; any
/// other comment is prose for the reader and is not checked.
/// </remarks>
/// <param name="Line">The block's line (1-based) the comment is on.</param>
/// <param name="Text">What the command prints, as written after <c>prints:</c>.</param>
internal sealed partial record PrintedPromise(int Line, string Text)
{
    /// <summary>The promises of <paramref name="block"/>, in the order of its lines.</summary>
    public static IReadOnlyList<PrintedPromise> In(ShellBlock block)
    {
        var promises = new List<PrintedPromise>();
        var lines = block.Lines;
        for (var i = 0; i < lines.Count; i++)
        {
            var match = Comment().Match(lines[i]);
            if (match.Success)
            {
                promises.Add(new PrintedPromise(i + 1, match.Groups["text"].Value.Trim()));
            }
        }

        return promises;
    }

    /// <summary>True when <paramref name="output"/> holds the promised text, each part between <c>…</c> after the one before.</summary>
    public bool IsKeptBy(string output)
    {
        var from = 0;
        foreach (var part in Text.Split('…', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var at = output.IndexOf(part, from, StringComparison.Ordinal);
            if (at < 0)
            {
                return false;
            }

            from = at + part.Length;
        }

        return true;
    }

    [GeneratedRegex(@"(^|\s)#\s*prints:\s*(?<text>\S.*)$")]
    private static partial Regex Comment();
}
