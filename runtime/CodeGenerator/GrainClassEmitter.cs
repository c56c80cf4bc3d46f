using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;

namespace Marketplace.Runtime.CodeGenerator
{
    internal sealed partial class GenerationModel
    {
        /// <summary>
        /// Registers grain class metadata: type name, interfaces, concurrency attributes and a factory that calls the
        /// constructor with persistent-state facets ([PersistentState]), the grain context/factory, and services.
        /// </summary>
        private void EmitGrainClass(StringBuilder registrations, INamedTypeSymbol type)
        {
            var t = Type(type);
            var grainTypeAttribute = KnownSymbols.GetAttribute(type, "Marketplace.Runtime.GrainTypeAttribute");
            var grainType = grainTypeAttribute?.ConstructorArguments.FirstOrDefault().Value as string ?? DefaultGrainType(type.Name);
            var interfaces = type.AllInterfaces.Where(_known.IsGrainInterface).Select(i => "typeof(" + Type(i) + ")");

            var ctor = type.InstanceConstructors
                .Where(c => c.DeclaredAccessibility == Accessibility.Public || c.DeclaredAccessibility == Accessibility.Internal)
                .OrderByDescending(c => c.Parameters.Length)
                .FirstOrDefault();
            var args = new List<string>();
            foreach (var p in ctor?.Parameters ?? ImmutableParameters())
            {
                args.Add(ArgumentFor(p));
            }

            var sb = new StringBuilder();
            sb.AppendLine("            " + GrainCodeGenerator.InvocationNs + ".GrainClassRegistry.Register(new " + GrainCodeGenerator.InvocationNs + ".GrainClassMetadata");
            sb.AppendLine("            {");
            sb.AppendLine("                GrainClass = typeof(" + t + "),");
            sb.AppendLine("                GrainType = " + GrainCodeGenerator.Literal(grainType) + ",");
            sb.AppendLine("                Interfaces = new global::System.Type[] { " + string.Join(", ", interfaces) + " },");
            sb.AppendLine("                Factory = static (context, services) => new " + t + "(" + string.Join(", ", args) + "),");
            if (KnownSymbols.HasAttribute(type, "Marketplace.Runtime.ReentrantAttribute"))
            {
                sb.AppendLine("                IsReentrant = true,");
            }

            if (KnownSymbols.GetAttribute(type, "Marketplace.Runtime.StatelessWorkerAttribute") is AttributeData worker)
            {
                var max = worker.ConstructorArguments.FirstOrDefault().Value is int n ? n : 0;
                sb.AppendLine("                IsStatelessWorker = true,");
                sb.AppendLine("                MaxLocalWorkers = " + max.ToString(CultureInfo.InvariantCulture) + ",");
            }

            if (KnownSymbols.GetAttribute(type, "Marketplace.Runtime.CollectionAgeLimitAttribute") is AttributeData age)
            {
                double minutes = 0, seconds = 0;
                var always = false;
                foreach (var named in age.NamedArguments)
                {
                    switch (named.Key)
                    {
                        case "Minutes": minutes = System.Convert.ToDouble(named.Value.Value, CultureInfo.InvariantCulture); break;
                        case "Seconds": seconds = System.Convert.ToDouble(named.Value.Value, CultureInfo.InvariantCulture); break;
                        case "AlwaysActive": always = named.Value.Value is true; break;
                    }
                }

                if (always)
                {
                    sb.AppendLine("                AlwaysActive = true,");
                }
                else
                {
                    var total = (minutes * 60) + seconds;
                    sb.AppendLine("                CollectionAge = global::System.TimeSpan.FromSeconds(" + total.ToString("R", CultureInfo.InvariantCulture) + "),");
                }
            }

            if (DerivesFromGrainOfT(type))
            {
                var storage = "Default";
                for (var current = type; current != null; current = current.BaseType)
                {
                    var attribute = KnownSymbols.GetAttribute(current, "Marketplace.Runtime.StorageProviderAttribute");
                    var named = attribute?.NamedArguments.FirstOrDefault(a => a.Key == "ProviderName");
                    if (named?.Value.Value is string s)
                    {
                        storage = s;
                        break;
                    }
                }

                sb.AppendLine("                StateStorageName = " + GrainCodeGenerator.Literal(storage) + ",");
            }

            var streams = type.GetAttributes()
                .Where(a => a.AttributeClass?.ToDisplayString(GrainCodeGenerator.NameFormat) == "Marketplace.Runtime.Streams.ImplicitStreamSubscriptionAttribute")
                .Select(a => a.ConstructorArguments.FirstOrDefault().Value as string)
                .Where(s => s != null)
                .ToList();
            if (streams.Count > 0)
            {
                sb.AppendLine("                ImplicitStreamNamespaces = new string[] { " + string.Join(", ", streams.Select(s => GrainCodeGenerator.Literal(s!))) + " },");
            }

            sb.AppendLine("            });");
            registrations.Append(sb);
        }

        private static IEnumerable<IParameterSymbol> ImmutableParameters() => System.Array.Empty<IParameterSymbol>();

        private string ArgumentFor(IParameterSymbol p)
        {
            var state = KnownSymbols.GetAttribute(p, "Marketplace.Runtime.Storage.PersistentStateAttribute");
            if (state != null && p.Type is INamedTypeSymbol named && named.IsGenericType)
            {
                var stateName = state.ConstructorArguments.Length > 0 ? state.ConstructorArguments[0].Value as string : null;
                var storageName = state.ConstructorArguments.Length > 1 ? state.ConstructorArguments[1].Value as string : null;
                return "context.GetPersistentState<" + Type(named.TypeArguments[0]) + ">(" + GrainCodeGenerator.Literal(stateName ?? p.Name) + ", "
                    + (storageName == null ? "null" : GrainCodeGenerator.Literal(storageName)) + ")";
            }

            if (SymbolEqualityComparer.Default.Equals(p.Type, _known.GrainContext))
            {
                return "context";
            }

            if (SymbolEqualityComparer.Default.Equals(p.Type, _known.GrainFactory))
            {
                return "context.GrainFactory";
            }

            if (SymbolEqualityComparer.Default.Equals(p.Type, _known.ServiceProvider))
            {
                return "services";
            }

            return GrainCodeGenerator.InvocationNs + ".GrainClassRegistry.GetRequiredService<" + Type(p.Type) + ">(services)";
        }

        private bool DerivesFromGrainOfT(INamedTypeSymbol type)
        {
            for (var t = type.BaseType; t != null; t = t.BaseType)
            {
                if (SymbolEqualityComparer.Default.Equals(t.OriginalDefinition, _known.GrainOfT))
                {
                    return true;
                }
            }

            return false;
        }

        private static string DefaultGrainType(string className)
        {
            var name = className.EndsWith("Grain", System.StringComparison.Ordinal) && className.Length > 5
                ? className.Substring(0, className.Length - 5)
                : className;
            return name.ToLowerInvariant();
        }
    }
}
