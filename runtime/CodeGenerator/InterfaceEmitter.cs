using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;

namespace Marketplace.Runtime.CodeGenerator
{
    internal enum ReturnKind
    {
        Task,
        TaskOfT,
        ValueTask,
        ValueTaskOfT,
    }

    internal sealed class MethodModel
    {
        public IMethodSymbol Symbol = null!;
        public string RequestName = "";
        public ReturnKind Kind;
        public ITypeSymbol? Result;
        public List<IParameterSymbol> Arguments = new List<IParameterSymbol>();
        public IParameterSymbol? Cancellation;
        public uint MethodId;
        public string Options = "";
        public string Timeout = "null";
    }

    internal sealed class InterfaceModel
    {
        public INamedTypeSymbol Symbol = null!;
        public string WireName = "";
        public string ProxyName = "";
        public List<MethodModel> Declared = new List<MethodModel>();
    }

    internal sealed partial class GenerationModel
    {
        private readonly Dictionary<IMethodSymbol, MethodModel> _methods = new Dictionary<IMethodSymbol, MethodModel>(SymbolEqualityComparer.Default);

        private InterfaceModel? BuildInterface(INamedTypeSymbol symbol)
        {
            var model = new InterfaceModel
            {
                Symbol = symbol,
                WireName = WireName(symbol),
                ProxyName = "Proxy_" + GrainCodeGenerator.Sanitize(Name(symbol)),
            };
            var index = 0;
            var ok = true;
            foreach (var member in symbol.GetMembers())
            {
                if (member is IPropertySymbol || member is IEventSymbol)
                {
                    Report(DiagnosticDescriptors.PropertyOnGrainInterface, member, symbol.Name, member.Name);
                    ok = false;
                    continue;
                }

                if (!(member is IMethodSymbol method) || method.MethodKind != MethodKind.Ordinary || method.IsStatic)
                {
                    continue;
                }

                var m = BuildMethod(model, method, index++);
                if (m == null)
                {
                    ok = false;
                    continue;
                }

                model.Declared.Add(m);
                _methods[method] = m;
            }

            return ok ? model : null;
        }

        private MethodModel? BuildMethod(InterfaceModel owner, IMethodSymbol method, int index)
        {
            var display = owner.Symbol.Name + "." + method.Name;
            var ok = true;
            if (method.IsGenericMethod)
            {
                Report(DiagnosticDescriptors.GenericMethod, method, display);
                ok = false;
            }

            var m = new MethodModel { Symbol = method };
            var returnType = method.ReturnType as INamedTypeSymbol;
            var original = returnType?.OriginalDefinition;
            if (SymbolEqualityComparer.Default.Equals(returnType, _known.Task))
            {
                m.Kind = ReturnKind.Task;
            }
            else if (SymbolEqualityComparer.Default.Equals(returnType, _known.ValueTask))
            {
                m.Kind = ReturnKind.ValueTask;
            }
            else if (SymbolEqualityComparer.Default.Equals(original, _known.TaskOfT))
            {
                m.Kind = ReturnKind.TaskOfT;
                m.Result = returnType!.TypeArguments[0];
            }
            else if (SymbolEqualityComparer.Default.Equals(original, _known.ValueTaskOfT))
            {
                m.Kind = ReturnKind.ValueTaskOfT;
                m.Result = returnType!.TypeArguments[0];
            }
            else
            {
                Report(DiagnosticDescriptors.InvalidReturnType, method, display, method.ReturnType.ToDisplayString());
                ok = false;
            }

            var parameters = method.Parameters;
            for (var i = 0; i < parameters.Length; i++)
            {
                var p = parameters[i];
                if (p.RefKind != RefKind.None)
                {
                    Report(DiagnosticDescriptors.RefParameter, p, p.Name, display);
                    ok = false;
                }

                if (SymbolEqualityComparer.Default.Equals(p.Type, _known.CancellationToken))
                {
                    if (i != parameters.Length - 1)
                    {
                        Report(DiagnosticDescriptors.CancellationTokenPosition, p, display);
                        ok = false;
                    }

                    m.Cancellation = p;
                }
                else
                {
                    m.Arguments.Add(p);
                }
            }

            var options = new List<string>();
            if (KnownSymbols.HasAttribute(method, "Marketplace.Runtime.OneWayAttribute"))
            {
                options.Add(GrainCodeGenerator.InvocationNs + ".InvokeMethodOptions.OneWay");
                if (m.Result != null)
                {
                    Report(DiagnosticDescriptors.OneWayWithResult, method, display);
                    ok = false;
                }
            }

            if (KnownSymbols.HasAttribute(method, "Marketplace.Runtime.AlwaysInterleaveAttribute"))
            {
                options.Add(GrainCodeGenerator.InvocationNs + ".InvokeMethodOptions.AlwaysInterleave");
            }

            if (KnownSymbols.HasAttribute(method, "Marketplace.Runtime.ReadOnlyAttribute"))
            {
                options.Add(GrainCodeGenerator.InvocationNs + ".InvokeMethodOptions.ReadOnly");
            }

            m.Options = options.Count == 0 ? GrainCodeGenerator.InvocationNs + ".InvokeMethodOptions.None" : string.Join(" | ", options);
            if (KnownSymbols.GetAttribute(method, "Marketplace.Runtime.ResponseTimeoutAttribute") is AttributeData timeout
                && timeout.ConstructorArguments.FirstOrDefault().Value is string text)
            {
                m.Timeout = "global::System.TimeSpan.Parse(" + GrainCodeGenerator.Literal(text) + ", global::System.Globalization.CultureInfo.InvariantCulture)";
            }

            var id = KnownSymbols.GetAttribute(method, "Marketplace.Runtime.Serialization.IdAttribute");
            m.MethodId = id?.ConstructorArguments.FirstOrDefault().Value is uint explicitId
                ? explicitId
                : StableHash.Of(method.Name + "(" + string.Join(",", m.Arguments.Select(a => a.Type.ToDisplayString(GrainCodeGenerator.NameFormat))) + ")");
            m.RequestName = "Invokable_" + GrainCodeGenerator.Sanitize(Name(owner.Symbol)) + "_" + method.Name + "_" + index.ToString(CultureInfo.InvariantCulture);
            return ok ? m : null;
        }

        private void EmitInterface(StringBuilder sb, StringBuilder registrations, InterfaceModel model)
        {
            var iface = Type(model.Symbol);
            foreach (var m in model.Declared)
            {
                EmitRequest(sb, model, m);
                registrations.AppendLine("            " + GrainCodeGenerator.InvocationNs + ".GrainInterfaceRegistry.RegisterMethod(" + m.RequestName + ".Info);");
            }

            registrations.AppendLine("            " + GrainCodeGenerator.InvocationNs + ".GrainInterfaceRegistry.RegisterInterface<" + iface + ">("
                + GrainCodeGenerator.Literal(model.WireName) + ", static (id, runtime) => new " + model.ProxyName + "(id, runtime));");

            sb.AppendLine("    [global::System.ComponentModel.EditorBrowsable(global::System.ComponentModel.EditorBrowsableState.Never)]");
            sb.AppendLine("    internal sealed class " + model.ProxyName + " : " + GrainCodeGenerator.InvocationNs + ".GrainReference, " + iface);
            sb.AppendLine("    {");
            sb.AppendLine("        public " + model.ProxyName + "(" + GrainCodeGenerator.RuntimeNs + ".GrainId id, " + GrainCodeGenerator.InvocationNs + ".IGrainReferenceRuntime runtime) : base(id, runtime) { }");
            sb.AppendLine("        public override string InterfaceName => " + GrainCodeGenerator.Literal(model.WireName) + ";");
            sb.AppendLine("        public override global::System.Type InterfaceType => typeof(" + iface + ");");
            var all = new[] { model.Symbol }.Concat(model.Symbol.AllInterfaces.Where(_known.IsGrainInterface));
            foreach (var declaring in all)
            {
                foreach (var method in declaring.GetMembers().OfType<IMethodSymbol>().Where(x => x.MethodKind == MethodKind.Ordinary && !x.IsStatic))
                {
                    if (!_methods.TryGetValue(method, out var m))
                    {
                        continue;
                    }

                    EmitProxyMethod(sb, Type(declaring), m);
                }
            }

            sb.AppendLine("    }");
        }

        private static void EmitProxyMethod(StringBuilder sb, string declaring, MethodModel m)
        {
            var parameters = string.Join(", ", m.Symbol.Parameters.Select((p, i) => Type(p.Type) + " p" + i.ToString(CultureInfo.InvariantCulture)));
            sb.AppendLine("        " + Type(m.Symbol.ReturnType) + " " + declaring + "." + m.Symbol.Name + "(" + parameters + ")");
            sb.AppendLine("        {");
            sb.AppendLine("            var request = new " + m.RequestName + "();");
            for (var i = 0; i < m.Symbol.Parameters.Length; i++)
            {
                var p = m.Symbol.Parameters[i];
                var field = SymbolEqualityComparer.Default.Equals(p, m.Cancellation) ? "cancellation" : "arg" + m.Arguments.IndexOf(p).ToString(CultureInfo.InvariantCulture);
                sb.AppendLine("            request." + field + " = p" + i.ToString(CultureInfo.InvariantCulture) + ";");
            }

            switch (m.Kind)
            {
                case ReturnKind.Task:
                case ReturnKind.TaskOfT:
                    sb.AppendLine("            return InvokeAsync(request);");
                    break;
                case ReturnKind.ValueTask:
                    sb.AppendLine("            return new global::System.Threading.Tasks.ValueTask(InvokeAsync(request));");
                    break;
                default:
                    sb.AppendLine("            return new global::System.Threading.Tasks.ValueTask<" + Type(m.Result!) + ">(InvokeAsync(request));");
                    break;
            }

            sb.AppendLine("        }");
        }

        private void EmitRequest(StringBuilder sb, InterfaceModel owner, MethodModel m)
        {
            var iface = Type(owner.Symbol);
            var baseType = m.Result == null ? GrainCodeGenerator.InvocationNs + ".VoidRequest" : GrainCodeGenerator.InvocationNs + ".Request<" + Type(m.Result) + ">";
            sb.AppendLine("    [global::System.ComponentModel.EditorBrowsable(global::System.ComponentModel.EditorBrowsableState.Never)]");
            sb.AppendLine("    internal sealed class " + m.RequestName + " : " + baseType);
            sb.AppendLine("    {");
            sb.AppendLine("        public static readonly " + GrainCodeGenerator.InvocationNs + ".InvokableMethod Info = new " + GrainCodeGenerator.InvocationNs + ".InvokableMethod(typeof(" + iface + "), "
                + GrainCodeGenerator.Literal(owner.WireName) + ", " + GrainCodeGenerator.Literal(m.Symbol.Name) + ", " + m.MethodId.ToString(CultureInfo.InvariantCulture) + "u, "
                + m.Options + ", " + m.Timeout + ", static () => new " + m.RequestName + "());");
            for (var i = 0; i < m.Arguments.Count; i++)
            {
                sb.AppendLine("        public " + Type(m.Arguments[i].Type) + " arg" + i.ToString(CultureInfo.InvariantCulture) + ";");
            }

            if (m.Cancellation != null)
            {
                sb.AppendLine("        public global::System.Threading.CancellationToken cancellation;");
                sb.AppendLine("        public override global::System.Threading.CancellationToken CancellationToken => cancellation;");
            }

            sb.AppendLine("        public override " + GrainCodeGenerator.InvocationNs + ".InvokableMethod Method => Info;");
            if (m.Arguments.Count > 0)
            {
                sb.AppendLine("        public override int ArgumentCount => " + m.Arguments.Count.ToString(CultureInfo.InvariantCulture) + ";");
                sb.Append("        public override object GetArgument(int index) => index switch { ");
                for (var i = 0; i < m.Arguments.Count; i++)
                {
                    sb.Append(i.ToString(CultureInfo.InvariantCulture) + " => arg" + i.ToString(CultureInfo.InvariantCulture) + ", ");
                }

                sb.AppendLine("_ => throw new global::System.ArgumentOutOfRangeException(nameof(index)) };");
            }

            var call = "((" + iface + ")grain)." + m.Symbol.Name + "(" + string.Join(", ", m.Symbol.Parameters.Select(p =>
                SymbolEqualityComparer.Default.Equals(p, m.Cancellation) ? "cancellation" : "arg" + m.Arguments.IndexOf(p).ToString(CultureInfo.InvariantCulture))) + ")";
            switch (m.Kind)
            {
                case ReturnKind.Task:
                    sb.AppendLine("        protected override global::System.Threading.Tasks.ValueTask InvokeInner(object grain) => new global::System.Threading.Tasks.ValueTask(" + call + ");");
                    break;
                case ReturnKind.ValueTask:
                    sb.AppendLine("        protected override global::System.Threading.Tasks.ValueTask InvokeInner(object grain) => " + call + ";");
                    break;
                case ReturnKind.TaskOfT:
                    sb.AppendLine("        protected override global::System.Threading.Tasks.ValueTask<" + Type(m.Result!) + "> InvokeInner(object grain) => new global::System.Threading.Tasks.ValueTask<" + Type(m.Result!) + ">(" + call + ");");
                    break;
                default:
                    sb.AppendLine("        protected override global::System.Threading.Tasks.ValueTask<" + Type(m.Result!) + "> InvokeInner(object grain) => " + call + ";");
                    break;
            }

            if (m.Arguments.Count > 0)
            {
                sb.AppendLine("        public override void SerializeArguments(" + GrainCodeGenerator.SerializationNs + ".CodecWriter writer)");
                sb.AppendLine("        {");
                for (var i = 0; i < m.Arguments.Count; i++)
                {
                    sb.AppendLine("            " + GrainCodeGenerator.SerializationNs + ".CodecRegistry.Get<" + Type(m.Arguments[i].Type) + ">().WriteField(writer, " + i.ToString(CultureInfo.InvariantCulture) + ", arg" + i.ToString(CultureInfo.InvariantCulture) + ");");
                }

                sb.AppendLine("        }");
                sb.AppendLine("        public override void DeserializeArguments(" + GrainCodeGenerator.SerializationNs + ".CodecReader reader, int end)");
                sb.AppendLine("        {");
                sb.AppendLine("            while (reader.TryReadFieldHeader(end, out var id, out var wireType))");
                sb.AppendLine("            {");
                sb.AppendLine("                switch (id)");
                sb.AppendLine("                {");
                for (var i = 0; i < m.Arguments.Count; i++)
                {
                    sb.AppendLine("                    case " + i.ToString(CultureInfo.InvariantCulture) + ": arg" + i.ToString(CultureInfo.InvariantCulture) + " = "
                        + GrainCodeGenerator.SerializationNs + ".CodecRegistry.Get<" + Type(m.Arguments[i].Type) + ">().ReadValue(reader, wireType); break;");
                }

                sb.AppendLine("                    default: reader.Skip(wireType); break;");
                sb.AppendLine("                }");
                sb.AppendLine("            }");
                sb.AppendLine("        }");
                var copies = m.Arguments.Select((a, i) => (a, i)).Where(x => !IsTriviallyImmutable(x.a.Type)).ToList();
                if (copies.Count > 0)
                {
                    sb.AppendLine("        public override void CopyArguments(" + GrainCodeGenerator.SerializationNs + ".ICodecContext context)");
                    sb.AppendLine("        {");
                    foreach (var (_, i) in copies)
                    {
                        var n = "arg" + i.ToString(CultureInfo.InvariantCulture);
                        sb.AppendLine("            " + n + " = " + GrainCodeGenerator.SerializationNs + ".DeepCopier.Copy(" + n + ", context);");
                    }

                    sb.AppendLine("        }");
                }
            }

            sb.AppendLine("    }");
        }

        private bool IsTriviallyImmutable(ITypeSymbol type)
        {
            switch (type.SpecialType)
            {
                case SpecialType.System_Boolean:
                case SpecialType.System_Byte:
                case SpecialType.System_SByte:
                case SpecialType.System_Int16:
                case SpecialType.System_UInt16:
                case SpecialType.System_Int32:
                case SpecialType.System_UInt32:
                case SpecialType.System_Int64:
                case SpecialType.System_UInt64:
                case SpecialType.System_Char:
                case SpecialType.System_Single:
                case SpecialType.System_Double:
                case SpecialType.System_Decimal:
                case SpecialType.System_String:
                case SpecialType.System_DateTime:
                    return true;
            }

            if (type.TypeKind == TypeKind.Enum)
            {
                return true;
            }

            if (type is INamedTypeSymbol named && (named.TypeKind == TypeKind.Interface && named.AllInterfaces.Contains(_known.Addressable, SymbolEqualityComparer.Default)))
            {
                return true;
            }

            var name = type.ToDisplayString(GrainCodeGenerator.NameFormat);
            return name == "System.Guid" || name == "System.TimeSpan" || name == "System.DateTimeOffset" || name == "Marketplace.Runtime.GrainId";
        }
    }
}
