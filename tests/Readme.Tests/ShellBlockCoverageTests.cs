using System.Reflection;
using Xunit;
using Xunit.Abstractions;

namespace Marketplace.Readme.Tests;

/// <summary>Every shell block a user may paste is either run by a test or excluded on purpose.</summary>
public sealed class ShellBlockCoverageTests(ITestOutputHelper output)
{
    [Fact]
    public void Every_shell_block_of_the_documents_is_run_by_a_test_or_excluded_with_a_reason()
    {
        var blocks = ShellBlockCatalog.Blocks(RepositoryCopy.Origin);
        var problems = new List<string>();
        foreach (var block in blocks)
        {
            var entries = ShellBlockCatalog.Entries.Where(e => e.Describes(block)).ToList();
            var fingerprint = ShellBlockCoverage.FingerprintOf(block);
            if (entries.Count == 0)
            {
                problems.Add($"{block.Name} is neither run by a test nor excluded: run it in ReadmeBlockTests, or add "
                    + $"Excluded(\"{block.Document}\", \"{block.Heading}\", {block.Ordinal}, \"{fingerprint}\", \"why, and what covers it\") "
                    + "to ShellBlockCatalog. It reads:\n" + block.Text);
            }
            else if (entries.Count > 1)
            {
                problems.Add($"{block.Name} has {entries.Count} entries in ShellBlockCatalog.");
            }
            else if (entries[0].ExcludedBecause is not null && entries[0].Fingerprint != fingerprint)
            {
                problems.Add($"{block.Name} changed since it was excluded (fingerprint {fingerprint}, the catalog says "
                    + $"\"{entries[0].Fingerprint}\"): check that \"{entries[0].ExcludedBecause}\" still holds, then update the fingerprint.");
            }

            output.WriteLine($"{block.Name}: {(entries.Count == 1 ? entries[0].RunBy ?? "excluded: " + entries[0].ExcludedBecause : "not accounted for")}");
        }

        foreach (var entry in ShellBlockCatalog.Entries.Where(e => !blocks.Any(e.Describes)))
        {
            problems.Add($"ShellBlockCatalog names {entry}, which is not in the documents any more.");
        }

        Assert.True(problems.Count == 0, string.Join("\n\n", problems));
    }

    [Fact]
    public void Every_block_the_catalog_says_is_run_names_a_test_of_this_project()
    {
        var tests = typeof(ShellBlockCoverageTests).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance))
            .Where(m => m.GetCustomAttributes<FactAttribute>().Any())
            .Select(m => m.Name)
            .ToHashSet();
        foreach (var entry in ShellBlockCatalog.Entries)
        {
            Assert.True((entry.RunBy is null) != (entry.ExcludedBecause is null), $"{entry} must be either run or excluded.");
            if (entry.RunBy is { } test)
            {
                Assert.True(tests.Contains(test), $"{entry} is run by {test}, which is not a test of this project.");
            }
            else
            {
                Assert.False(string.IsNullOrWhiteSpace(entry.ExcludedBecause), $"{entry} is excluded without a reason.");
            }
        }
    }
}
