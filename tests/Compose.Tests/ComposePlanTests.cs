using Xunit;
using Xunit.Abstractions;

namespace Marketplace.Compose.Tests;

/// <summary>The translation of docker-compose.yml, checked without starting anything: the real file plans completely
/// and wires its services together as compose would, and a file that drifts is refused naming the service and the
/// key.</summary>
public sealed class ComposePlanTests(ITestOutputHelper output)
{
    /// <summary>Mutations of the real file, each with what the refusal must name.</summary>
    public static TheoryData<string> Drifts => [.. DriftCases.Keys];

    private static readonly Dictionary<string, (Action<ComposeFile> Change, string Expected)> DriftCases = new()
    {
        ["unknown setting"] = (c => c.Services["silo2"].Environment["Marketplace__Cluster__Bogus"] = "1",
            "service silo2: environment key 'Marketplace__Cluster__Bogus' is not in the translation table"),
        ["unknown argument"] = (c => c.Services["deploy"].Command!.Add("--verbose"),
            "service deploy: argument '--verbose' of the Cli program is not in the translation table"),
        ["path on no volume"] = (c => c.Services["silo1"].Command![1] = "/etc/marketplace/chain.json",
            "service silo1: argument --config: /etc/marketplace/chain.json is on no volume"),
        ["wrong database password"] = (c => c.Services["silo3"].Environment["Marketplace__Cluster__PostgreSqlConnectionString"] =
            "Host=postgres;Port=5432;Username=marketplace;Password=other;Database=marketplace", "service silo3: environment Marketplace__Cluster__PostgreSqlConnectionString: Password"),
        ["unknown host"] = (c => c.Services["silo1"].Command![3] = "http://anvil2:8545", "service silo1: argument --chain: 'http://anvil2:8545' names no service"),
        ["missing dependency"] = (c => c.Services["silo1"].DependsOn.Remove("deploy"), "names anvil, which this service does not depend on"),
        ["unknown service key"] = (c => c.Services["deploy"].Keys.Add("user"), "service deploy: key 'user' is not in the translation table"),
        ["wrong network address"] = (c => c.Services["silo1"].Environment["Marketplace__Cluster__Address"] = "172.28.0.99",
            "'172.28.0.99' is neither 0.0.0.0 nor the service's network address (172.28.0.11)"),
        ["healthy without a health check"] = (c => c.Services["anvil"].Healthcheck = null, "service deploy: waits for anvil to be healthy, but anvil has no health check"),
        ["port nothing listens on"] = (c => c.Services["silo2"].Ports.Add(new ComposePort("127.0.0.1", 9999, 9999)), "service silo2: publishes container port 9999"),
    };

    [Fact]
    public void The_compose_file_plans_completely_and_wires_its_services_as_compose_would()
    {
        var plan = ComposePlan.Create(Load(out var source), DockerfileStages.Load(LocalComposeCluster.DockerfilePath), Targets());
        output.WriteLine($"read {source}; start order: {string.Join(", ", plan.Services.Select(s => s.Name))}; not started: {string.Join(", ", plan.NotStarted)}");
        foreach (var service in plan.Services)
        {
            output.WriteLine($"  {service.Name} ({service.Kind}): {service.Executable} {string.Join(' ', service.Arguments)}");
            foreach (var (key, value) in service.Environment)
            {
                output.WriteLine($"      {key}={(key.Contains("Connection", StringComparison.Ordinal) ? "(local database)" : value)}");
            }
        }

        var names = plan.Services.Select(s => s.Name).ToList();
        Assert.True(names.IndexOf("postgres") < names.IndexOf("schema") && names.IndexOf("anvil") < names.IndexOf("deploy"));
        var silos = plan.Services.Where(s => s.Kind == LocalKind.Silo && !s.Arguments.Contains("--apply-schema")).ToList();
        Assert.Equal(["silo1", "silo2", "silo3"], silos.Select(s => s.Name).Order());
        Assert.All(silos, s => Assert.True(names.IndexOf(s.Name) > Math.Max(names.IndexOf("schema"), names.IndexOf("deploy"))));
        Assert.Equal(["grafana", "monitoring", "tools"], plan.NotStarted.Select(n => Load(out _).Services[n].Profiles.Single()).Distinct().Order(StringComparer.Ordinal));

        // What deploy writes is what every silo reads, and they settle on the anvil deploy deployed to.
        var deploy = plan["deploy"];
        var written = deploy.Arguments[deploy.Arguments.IndexOf("--out") + 1];
        var anvilUrl = deploy.Arguments[deploy.Arguments.IndexOf("--rpc") + 1];
        Assert.Equal($"http://127.0.0.1:{plan["anvil"].Ports[8545]}", anvilUrl);
        Assert.All(silos, s => Assert.Equal(written, s.Arguments[s.Arguments.IndexOf("--config") + 1]));
        Assert.All(silos, s => Assert.Equal(anvilUrl, s.Arguments[s.Arguments.IndexOf("--chain") + 1]));

        // No shared folder (blob chunks are rows of the one database); a data folder, ports, worker and provider ids
        // of each silo's own.
        Assert.All(silos, s => Assert.False(s.Environment.ContainsKey("Marketplace__Blobs__ChunkStorePath")));
        Assert.Equal(3, silos.Select(s => s.Environment["Marketplace__Storage__DefaultProviderPrefix"]).Distinct().Count());
        Assert.Equal(3, silos.Select(s => s.Environment["Marketplace__DataFolder"]).Distinct().Count());
        Assert.Equal(3, silos.Select(s => s.Environment["Marketplace__Jobs__DefaultWorkerPrefix"]).Distinct().Count());
        Assert.Equal(9, silos.SelectMany(s => s.Ports.Values).Distinct().Count());
        Assert.Single(plan.Services.Where(s => s.Kind == LocalKind.Silo).Select(s => s.Environment["Marketplace__Cluster__PostgreSqlConnectionString"]).Distinct());
        Assert.All(silos, s => Assert.Equal("127.0.0.1", s.Environment["Marketplace__Cluster__Address"]));
    }

    [Theory]
    [MemberData(nameof(Drifts))]
    public void A_compose_file_that_drifts_is_refused_naming_the_service_and_the_key(string drift)
    {
        var compose = Load(out _);
        var (change, expected) = DriftCases[drift];
        change(compose);
        var refused = Assert.Throws<ComposeDriftException>(() => ComposePlan.Create(compose, DockerfileStages.Load(LocalComposeCluster.DockerfilePath), Targets()));
        output.WriteLine(refused.Message);
        Assert.Contains(expected, refused.Message, StringComparison.Ordinal);
    }

    private static ComposeFile Load(out string source)
    {
        var compose = ComposeFile.Load(LocalComposeCluster.ComposePath);
        source = compose.Source;
        return compose;
    }

    private static LocalTargets Targets() => new(
        Path.Combine(Path.GetTempPath(), "marketplace-compose-plan"), "Host=127.0.0.1;Port=5432;Username=u;Password=p;Database=d", "mkt_compose_plan",
        BuildOutput.Silo, BuildOutput.Cli, "/opt/anvil", Marketplace.TestSupport.FreeTcpPorts.Next);
}
