// Design: one incremental generator emits, per compilation, a single source file with
//  - a proxy (GrainReference subclass implementing the interface explicitly) for every grain interface declared here or
//    implemented by a grain class declared here,
//  - one request class per interface method (arguments as fields, Invoke calls the grain method directly),
//  - a codec per [GenerateSerializer] type (tag/length/value, fields by [Id]),
//  - grain class metadata with a constructor-injecting factory,
//  - a module initializer registering all of the above with the runtime's static registries.
// Invalid grain interfaces are reported as MKT000x errors and produce no code.
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Marketplace.Runtime.CodeGenerator
{
    /// <summary>Generates grain proxies, invokers, codecs and grain class metadata.</summary>
    [Generator(LanguageNames.CSharp)]
    public sealed partial class GrainCodeGenerator : IIncrementalGenerator
    {
        internal const string RuntimeNs = "global::Marketplace.Runtime";
        internal const string InvocationNs = "global::Marketplace.Runtime.Invocation";
        internal const string SerializationNs = "global::Marketplace.Runtime.Serialization";

        internal static readonly SymbolDisplayFormat TypeFormat = SymbolDisplayFormat.FullyQualifiedFormat
            .WithMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.EscapeKeywordIdentifiers | SymbolDisplayMiscellaneousOptions.UseSpecialTypes);

        internal static readonly SymbolDisplayFormat NameFormat = new SymbolDisplayFormat(
            typeQualificationStyle: SymbolDisplayTypeQualificationStyle.NameAndContainingTypesAndNamespaces,
            genericsOptions: SymbolDisplayGenericsOptions.IncludeTypeParameters,
            miscellaneousOptions: SymbolDisplayMiscellaneousOptions.UseSpecialTypes);

        /// <inheritdoc />
        public void Initialize(IncrementalGeneratorInitializationContext context)
        {
            var types = context.SyntaxProvider.CreateSyntaxProvider(
                    static (node, _) => node is TypeDeclarationSyntax t && (t.BaseList != null || t.AttributeLists.Count > 0),
                    static (ctx, ct) => ctx.SemanticModel.GetDeclaredSymbol(ctx.Node, ct) as INamedTypeSymbol)
                .Where(static s => s != null)
                .Collect();

            context.RegisterSourceOutput(context.CompilationProvider.Combine(types), static (spc, pair) => Execute(spc, pair.Left, pair.Right!));
        }

        private static void Execute(SourceProductionContext context, Compilation compilation, ImmutableArray<INamedTypeSymbol?> declared)
        {
            var known = KnownSymbols.Create(compilation);
            if (known == null)
            {
                return;
            }

            var model = new GenerationModel(compilation, known, context);
            foreach (var symbol in declared.Where(s => s != null).Distinct(SymbolEqualityComparer.Default).Cast<INamedTypeSymbol>())
            {
                model.Consider(symbol);
            }

            var source = model.Emit();
            if (source != null)
            {
                context.AddSource("Marketplace.Runtime.Generated.g.cs", source);
            }
        }

        internal static string Sanitize(string text)
        {
            var sb = new StringBuilder(text.Length);
            foreach (var c in text)
            {
                sb.Append(char.IsLetterOrDigit(c) ? c : '_');
            }

            return sb.ToString();
        }

        internal static string Literal(string text) =>
            "\"" + text.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
    }

    /// <summary>Symbols the generator recognises, looked up once per compilation.</summary>
    internal sealed class KnownSymbols
    {
        public INamedTypeSymbol Addressable = null!;
        public INamedTypeSymbol GrainBase = null!;
        public INamedTypeSymbol GrainOfT = null!;
        public INamedTypeSymbol Task = null!;
        public INamedTypeSymbol TaskOfT = null!;
        public INamedTypeSymbol ValueTask = null!;
        public INamedTypeSymbol ValueTaskOfT = null!;
        public INamedTypeSymbol CancellationToken = null!;
        public INamedTypeSymbol Exception = null!;
        public INamedTypeSymbol? GrainContext;
        public INamedTypeSymbol? GrainFactory;
        public INamedTypeSymbol? ServiceProvider;
        public HashSet<string> MarkerInterfaces = new HashSet<string>
        {
            "Marketplace.Runtime.IAddressable", "Marketplace.Runtime.IGrain", "Marketplace.Runtime.IGrainWithStringKey",
            "Marketplace.Runtime.IGrainWithGuidKey", "Marketplace.Runtime.IGrainWithIntegerKey",
            "Marketplace.Runtime.IGrainWithGuidCompoundKey", "Marketplace.Runtime.IGrainWithIntegerCompoundKey",
            "Marketplace.Runtime.IGrainBase",
        };

        public static KnownSymbols? Create(Compilation c)
        {
            var addressable = c.GetTypeByMetadataName("Marketplace.Runtime.IAddressable");
            if (addressable == null)
            {
                return null;
            }

            return new KnownSymbols
            {
                Addressable = addressable,
                GrainBase = c.GetTypeByMetadataName("Marketplace.Runtime.IGrainBase")!,
                GrainOfT = c.GetTypeByMetadataName("Marketplace.Runtime.Grain`1")!,
                Task = c.GetTypeByMetadataName("System.Threading.Tasks.Task")!,
                TaskOfT = c.GetTypeByMetadataName("System.Threading.Tasks.Task`1")!,
                ValueTask = c.GetTypeByMetadataName("System.Threading.Tasks.ValueTask")!,
                ValueTaskOfT = c.GetTypeByMetadataName("System.Threading.Tasks.ValueTask`1")!,
                CancellationToken = c.GetTypeByMetadataName("System.Threading.CancellationToken")!,
                Exception = c.GetTypeByMetadataName("System.Exception")!,
                GrainContext = c.GetTypeByMetadataName("Marketplace.Runtime.IGrainContext"),
                GrainFactory = c.GetTypeByMetadataName("Marketplace.Runtime.IGrainFactory"),
                ServiceProvider = c.GetTypeByMetadataName("System.IServiceProvider"),
            };
        }

        public bool IsGrainInterface(INamedTypeSymbol type) =>
            type.TypeKind == TypeKind.Interface
            && !MarkerInterfaces.Contains(type.ToDisplayString(GrainCodeGenerator.NameFormat))
            && type.AllInterfaces.Contains(Addressable, SymbolEqualityComparer.Default);

        public bool IsGrainClass(INamedTypeSymbol type) =>
            type.TypeKind == TypeKind.Class && !type.IsAbstract && type.AllInterfaces.Contains(GrainBase, SymbolEqualityComparer.Default);

        public static bool HasAttribute(ISymbol symbol, string fullName) => GetAttribute(symbol, fullName) != null;

        public static AttributeData? GetAttribute(ISymbol symbol, string fullName) =>
            symbol.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString(GrainCodeGenerator.NameFormat) == fullName);
    }
}
