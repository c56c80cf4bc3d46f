using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace Marketplace.Runtime.Tests.CodeGenerator;

/// <summary>Runs the real generator over small sources in an in-memory compilation.</summary>
public sealed class GeneratorDiagnosticsTests
{
    private static readonly Lazy<ISourceGenerator> Generator = new(() =>
    {
        var path = Path.Combine(AppContext.BaseDirectory, "generator", "Marketplace.Runtime.CodeGenerator.dll");
        var assembly = Assembly.LoadFrom(path);
        var type = assembly.GetType("Marketplace.Runtime.CodeGenerator.GrainCodeGenerator", throwOnError: true)!;
        return ((IIncrementalGenerator)Activator.CreateInstance(type)!).AsSourceGenerator();
    });

    [Theory]
    [InlineData("int Bad();", "MKT0001")]
    [InlineData("Task<int> Value { get; }", "MKT0002")]
    [InlineData("Task Bad(ref int x);", "MKT0003")]
    [InlineData("Task Bad(out int x);", "MKT0003")]
    [InlineData("Task Bad<T>(T x);", "MKT0004")]
    [InlineData("[OneWay] Task<int> Bad();", "MKT0006")]
    [InlineData("Task Bad(CancellationToken ct, int x);", "MKT0007")]
    public void InvalidGrainInterfacesAreCompileErrors(string member, string id)
    {
        var (diagnostics, _) = Run($$"""
            public interface IBadGrain : IGrainWithStringKey
            {
                {{member}}
            }
            """);
        var diagnostic = Assert.Single(diagnostics, d => d.Id == id);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        Assert.Contains("IBadGrain", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture) + diagnostic.Location.SourceTree?.GetText().ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void DuplicateSerializationIdsAreCompileErrors()
    {
        var (diagnostics, _) = Run("""
            [Marketplace.Runtime.Serialization.GenerateSerializer]
            public sealed class Twice
            {
                [Marketplace.Runtime.Serialization.Id(1)] public int A { get; set; }
                [Marketplace.Runtime.Serialization.Id(1)] public int B { get; set; }
            }
            """);
        Assert.Contains(diagnostics, d => d.Id == "MKT0009");
    }

    [Fact]
    public void ValidInterfaceProducesProxyInvokersAndCompilesCleanly()
    {
        var (diagnostics, output) = Run("""
            public interface IGoodGrain : IGrainWithGuidKey
            {
                Task<int> Add(int a, int b);
                ValueTask Ping(CancellationToken cancellationToken);
                [OneWay] Task Notify(string text);
            }

            public sealed class GoodGrain : Grain, IGoodGrain
            {
                public Task<int> Add(int a, int b) => Task.FromResult(a + b);
                public ValueTask Ping(CancellationToken cancellationToken) => ValueTask.CompletedTask;
                public Task Notify(string text) => Task.CompletedTask;
            }
            """);
        Assert.DoesNotContain(diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.Contains(output.SyntaxTrees, t => t.ToString().Contains("class Proxy_IGoodGrain", StringComparison.Ordinal));
        Assert.DoesNotContain(output.GetDiagnostics(), d => d.Severity == DiagnosticSeverity.Error);
    }

    private static (IReadOnlyList<Diagnostic> Diagnostics, Compilation Output) Run(string body)
    {
        var source = "using System.Threading; using System.Threading.Tasks; using Marketplace.Runtime;\n" + body;
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
            .Split(Path.PathSeparator)
            .Select(p => MetadataReference.CreateFromFile(p))
            .Append(MetadataReference.CreateFromFile(typeof(IGrain).Assembly.Location));
        var compilation = CSharpCompilation.Create(
            "GeneratorTest",
            [CSharpSyntaxTree.ParseText(source)],
            references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        var driver = CSharpGeneratorDriver.Create(Generator.Value);
        driver.RunGeneratorsAndUpdateCompilation(compilation, out var output, out var diagnostics);
        return (diagnostics, output);
    }
}
