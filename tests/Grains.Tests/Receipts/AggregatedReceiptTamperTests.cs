using System.Text.Json.Nodes;
using Marketplace.GrainInterfaces;
using Xunit;
using Xunit.Abstractions;

namespace Marketplace.Grains.Tests.Receipts;

/// <summary>Every field of an aggregated receipt is bound: each leaf of its file changed in turn, the file no longer
/// verifies against the registry (or no longer reads), but for the one field that says nothing a verifier relies on.</summary>
public sealed class AggregatedReceiptTamperTests(ITestOutputHelper output)
{
    /// <summary>Leaves a change of which leaves the receipt valid, and why that is fine: a non-executor member's role
    /// (committee or rerun) says in which round it was drawn, which no check depends on.</summary>
    private static readonly string[] Unbound = ["members[1].role", "members[2].role", "members[3].role"];

    [Fact]
    public void EachLeafChangedInTurnIsRefused()
    {
        using var committee = new CommitteeSamples(4);
        var policy = new AggregatedReceiptPolicy { Registry = committee.Registry() };
        var original = JsonNode.Parse(AggregatedReceiptJson.Serialize(committee.Aggregate(0, 1, 3)))!;
        Assert.True(Verify(original.ToJsonString(), policy).IsValid);

        var leaves = new List<string>();
        Collect(original, "", leaves);
        Assert.True(leaves.Count >= 30, $"{leaves.Count} leaves");
        var accepted = new List<string>();
        foreach (var path in leaves)
        {
            var copy = JsonNode.Parse(original.ToJsonString())!;
            Change(copy, path);
            var result = Verify(copy.ToJsonString(), policy);
            output.WriteLine($"{path}: {(result.IsValid ? "VALID" : result.Failure.ToString())}");
            if (result.IsValid)
            {
                accepted.Add(path);
            }
        }

        Assert.Equal(Unbound.Where(leaves.Contains), accepted);
    }

    private static ReceiptVerification Verify(string json, AggregatedReceiptPolicy policy)
    {
        try
        {
            return AggregatedReceiptVerifier.Verify(AggregatedReceiptJson.Parse(System.Text.Encoding.UTF8.GetBytes(json)), policy);
        }
        catch (ReceiptFormatException e)
        {
            return new ReceiptVerification(ReceiptVerificationFailure.MalformedReceipt, e.Message);
        }
    }

    private static void Collect(JsonNode node, string path, List<string> leaves)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, child) in obj)
                {
                    Collect(child!, path.Length == 0 ? name : $"{path}.{name}", leaves);
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    Collect(array[i]!, $"{path}[{i}]", leaves);
                }

                break;
            default:
                leaves.Add(path);
                break;
        }
    }

    /// <summary>Changes the leaf at <paramref name="path"/>: a number by one, a hex string in its last digit, a role to
    /// another role, any other string by one character.</summary>
    private static void Change(JsonNode root, string path)
    {
        var node = root;
        var parts = path.Replace("[", ".[", StringComparison.Ordinal).Split('.');
        for (var i = 0; i < parts.Length - 1; i++)
        {
            node = Step(node, parts[i]);
        }

        var last = parts[^1];
        var leaf = Step(node, last);
        JsonNode changed = leaf.GetValueKind() switch
        {
            System.Text.Json.JsonValueKind.Number => JsonValue.Create(leaf.GetValue<long>() + 1),
            System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False => JsonValue.Create(!leaf.GetValue<bool>()),
            _ => JsonValue.Create(ChangedText(leaf.GetValue<string>(), last)),
        };
        if (last.StartsWith('['))
        {
            node.AsArray()[int.Parse(last[1..^1], System.Globalization.CultureInfo.InvariantCulture)] = changed;
        }
        else
        {
            node.AsObject()[last] = changed;
        }
    }

    private static JsonNode Step(JsonNode node, string part) =>
        part.StartsWith('[') ? node.AsArray()[int.Parse(part[1..^1], System.Globalization.CultureInfo.InvariantCulture)]! : node.AsObject()[part]!;

    private static string ChangedText(string text, string name)
    {
        if (name == "role")
        {
            return text == "committee" ? "rerun" : "committee";
        }

        if (text.Length > 0 && text.All(Uri.IsHexDigit) && text.Length % 2 == 0)
        {
            return text[..^1] + (text[^1] == '0' ? '1' : '0');
        }

        return text + "x";
    }
}
