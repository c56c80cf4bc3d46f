using System.Text.Json;
using Marketplace.TestSupport;
using Xunit;
using Xunit.Abstractions;

namespace Marketplace.Compose.Tests;

/// <summary>The direct YAML reading (used where docker-compose is not installed) sees the same services as
/// <c>docker-compose config</c>: anchors, merge keys, interpolation defaults and short syntax alike.</summary>
public sealed class ComposeFileTests(ITestOutputHelper output)
{
    [DockerComposeFact]
    public void Reading_the_file_directly_agrees_with_docker_compose_config()
    {
        var viaCompose = ComposeFile.Load(LocalComposeCluster.ComposePath);
        var path = LocalComposeCluster.ComposePath;
        var direct = ComposeFile.Parse(File.ReadAllText(path), Path.GetDirectoryName(path)!, "direct");
        output.WriteLine($"{viaCompose.Source} against the file read directly: {viaCompose.Services.Count} services");
        Assert.StartsWith("`docker-compose", viaCompose.Source, StringComparison.Ordinal);
        Assert.Equal(viaCompose.Services.Keys.Order(), direct.Services.Keys.Order());
        foreach (var name in viaCompose.Services.Keys)
        {
            Assert.Equal(Describe(viaCompose.Services[name]), Describe(direct.Services[name]));
        }
    }

    private static string Describe(ComposeService s) => JsonSerializer.Serialize(new
    {
        s.Name,
        Keys = s.Keys.Order(),
        s.Image,
        s.BuildTarget,
        s.BuildContext,
        s.Command,
        Environment = s.Environment.OrderBy(p => p.Key, StringComparer.Ordinal),
        DependsOn = s.DependsOn.OrderBy(p => p.Key, StringComparer.Ordinal),
        s.Ports,
        s.Volumes,
        s.Ipv4Address,
        Healthcheck = s.HealthcheckDisabled ? null : s.Healthcheck,
        s.HealthcheckDisabled,
        s.Profiles,
    });
}

/// <summary>A fact that compares with the docker-compose program: skipped loudly without it when run by hand; under
/// <c>CI=true</c> (which installs it) it runs and fails.</summary>
public sealed class DockerComposeFactAttribute : FactAttribute
{
    /// <summary>Creates the attribute.</summary>
    public DockerComposeFactAttribute()
    {
        var installed = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(folder => File.Exists(Path.Combine(folder, "docker-compose")));
        if (!installed && !ExternalService.IsCi)
        {
            Skip = "!!! SKIPPED: docker-compose is not installed (apt-get install docker-compose; under CI=true this test fails instead) !!!";
        }
    }
}
