// docs/configuration.md is the operators' list of every setting. It is written by hand (meanings need prose), so this
// test keeps it honest: every settable property of every options type the silo binds has a row with its full key,
// every Marketplace options type in the shipped assemblies is either bound (listed below with its section) or named
// on the page as "not configuration", and every key row on the page names a property or a documented loose key.
using System.Reflection;
using System.Text.RegularExpressions;
using Marketplace.TestSupport;
using Xunit;
using Xunit.Abstractions;

namespace Marketplace.Api.Tests.Configuration;

/// <summary>docs/configuration.md against the options types.</summary>
public sealed partial class ConfigurationReferenceTests(ITestOutputHelper output)
{
    /// <summary>The options types the silo binds, with the configuration path of their properties.</summary>
    private static readonly (string Assembly, string Type, string Prefix)[] Bound =
    [
        ("Marketplace.Silo", "Marketplace.Silo.Hosting.SiloClusterOptions", "Marketplace:Cluster"),
        ("Marketplace.Silo", "Marketplace.Silo.Hosting.SiloHostOptions", "Marketplace:Host"),
        ("Marketplace.Silo", "Marketplace.Silo.Hosting.SiloLoggingOptions", "Marketplace:Logging"),
        ("Marketplace.Silo", "Marketplace.Silo.Api.ApiOptions", "Marketplace:Api"),
        ("Marketplace.Silo", "Marketplace.Silo.Api.RequestSigningOptions", "Marketplace:Api"),
        ("Marketplace.Silo", "Marketplace.Silo.Api.SigningKey", "Marketplace:Api:SigningKeys:{key id}"),
        ("Marketplace.Silo", "Marketplace.Silo.Api.RateLimitOptions", "Marketplace:Api:RateLimit"),
        ("Marketplace.Silo", "Marketplace.Silo.Api.ClientRateLimit", "Marketplace:Api:RateLimit:Clients:{client id}"),
        ("Marketplace.Silo", "Marketplace.Silo.Telemetry.TelemetryOptions", "Marketplace:Telemetry"),
        ("Marketplace.Silo", "Marketplace.Silo.Dashboard.MarketplaceDashboardOptions", "Marketplace:Dashboard"),
        ("Marketplace.Grains.Blobs", "Marketplace.Grains.Blobs.BlobOptions", "Marketplace:Blobs"),
        ("Marketplace.Grains.Execution", "Marketplace.Grains.Execution.ProgramOptions", "Marketplace:Programs"),
        ("Marketplace.Grains.Jobs", "Marketplace.Grains.Jobs.JobsOptions", "Marketplace:Jobs"),
        ("Marketplace.Grains.Workers", "Marketplace.Grains.Workers.WorkerOptions", "Marketplace:Workers:{n}"),
        ("Marketplace.Grains.Ledger", "Marketplace.Grains.Ledger.LedgerOptions", "Marketplace:Ledger"),
        ("Marketplace.Grains.Reputation", "Marketplace.Grains.Reputation.ReputationOptions", "Marketplace:Reputation"),
        ("Marketplace.GrainInterfaces", "Marketplace.GrainInterfaces.ReputationScoreParameters", "Marketplace:Reputation:Score"),
        ("Marketplace.Grains.Settlement", "Marketplace.Grains.Settlement.ChainSettlementOptions", "Marketplace:Settlement:Chain"),
        ("Marketplace.Grains.Storage", "Marketplace.Grains.Storage.StorageOptions", "Marketplace:Storage"),
        ("Marketplace.Grains.Storage", "Marketplace.Grains.Storage.StorageProviderOptions", "Marketplace:Storage:Providers:{n}"),
    ];

    /// <summary>Keys read one by one rather than through an options type, and the sections bound onto Orleans' own
    /// option types (silo/Hosting/ClusterSiloBuilderExtensions.cs).</summary>
    private static readonly string[] LooseKeys =
    [
        "Marketplace:DataFolder", "Marketplace:Http:Urls", "Marketplace:ParentProcessId", "Marketplace:Api:Keys:<key>",
        "Marketplace:Api:DevKey", "Marketplace:Api:DevKeyFile", "Marketplace:Messaging", "Marketplace:GrainCollection", "Marketplace:Reminders",
        "Marketplace:Membership", "Marketplace:Gateway:Services:<name>:Secret", "Marketplace:Gateway:Services:<name>:ClientId",
        "Marketplace:Gateway:Services:<name>:Operator",
    ];

    [Fact]
    public void Every_property_of_every_bound_options_type_has_a_row()
    {
        var page = ReadPage();
        var missing = new List<string>();
        var count = 0;
        foreach (var key in BoundKeys())
        {
            count++;
            if (!page.Contains($"| `{key}` |", StringComparison.Ordinal))
            {
                missing.Add(key);
            }
        }

        output.WriteLine($"{count} keys of {Bound.Length} options types checked");
        Assert.True(count > 100, $"only {count} keys found: the options types moved?");
        Assert.True(missing.Count == 0, "docs/configuration.md has no row for:\n" + string.Join('\n', missing));
    }

    [Fact]
    public void Every_key_row_names_a_property_or_a_loose_key()
    {
        var known = BoundKeys().Concat(LooseKeys).ToHashSet(StringComparer.Ordinal);
        var rows = KeyRow().Matches(ReadPage()).Select(m => m.Groups[1].Value).ToList();
        output.WriteLine($"{rows.Count} key rows on the page");
        var stale = rows.Where(key => !known.Contains(key)).ToList();
        Assert.True(stale.Count == 0, "docs/configuration.md documents keys nothing reads:\n" + string.Join('\n', stale));
        Assert.Equal(rows.Count, rows.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void Every_options_type_is_bound_or_named_as_not_configuration()
    {
        var page = ReadPage();
        var notConfiguration = page[page.IndexOf("## Options that are not configuration", StringComparison.Ordinal)..];
        var bound = Bound.Select(b => b.Type).ToHashSet(StringComparer.Ordinal);
        var unknown = new List<string>();
        var seen = 0;
        foreach (var type in MarketplaceTypes().Where(t => t.IsClass && !t.IsAbstract && t.Name.EndsWith("Options", StringComparison.Ordinal)))
        {
            seen++;
            if (!bound.Contains(type.FullName!) && !notConfiguration.Contains($"`{type.Name}`", StringComparison.Ordinal))
            {
                unknown.Add(type.FullName!);
            }
        }

        output.WriteLine($"{seen} options types in the Marketplace assemblies");
        Assert.True(seen >= Bound.Length - 4, $"only {seen} options types found");
        Assert.True(unknown.Count == 0, "options types neither bound in this test nor named in docs/configuration.md:\n" + string.Join('\n', unknown));
    }

    private static IEnumerable<string> BoundKeys()
    {
        foreach (var (assembly, typeName, prefix) in Bound)
        {
            var type = Assembly.Load(assembly).GetType(typeName, throwOnError: true)!;
            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                if (property.SetMethod is { IsPublic: true })
                {
                    yield return $"{prefix}:{property.Name}";
                }
            }
        }
    }

    // The shipped assemblies next to the tests (the silo's references), not the test assemblies themselves.
    private static IEnumerable<Type> MarketplaceTypes()
    {
        foreach (var file in Directory.EnumerateFiles(AppContext.BaseDirectory, "Marketplace.*.dll"))
        {
            var name = Path.GetFileNameWithoutExtension(file);
            if (name.EndsWith(".Tests", StringComparison.Ordinal) || name == "Marketplace.TestSupport")
            {
                continue;
            }

            Type?[] types;
            try
            {
                types = Assembly.Load(name).GetTypes();
            }
            catch (ReflectionTypeLoadException partial)
            {
                types = partial.Types;
            }

            foreach (var type in types)
            {
                if (type?.Namespace?.StartsWith("Marketplace", StringComparison.Ordinal) == true)
                {
                    yield return type;
                }
            }
        }
    }

    private static string ReadPage() => File.ReadAllText(Path.Combine(SharedData.RepositoryRoot, "docs", "configuration.md"));

    [GeneratedRegex(@"^\| `(Marketplace:[^`]+)` \|", RegexOptions.Multiline)]
    private static partial Regex KeyRow();
}
