using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;

namespace Marketplace.Runtime.CodeGenerator
{
    internal sealed class FieldModel
    {
        public ISymbol Member = null!;
        public ITypeSymbol Type = null!;
        public uint Id;
        public string Local = "";
    }

    internal sealed partial class GenerationModel
    {
        /// <summary>
        /// Emits a codec deriving ObjectCodec&lt;T&gt;. Members are read/written directly when accessible and through
        /// [UnsafeAccessor] otherwise (private fields, init-only and get-only properties), so records and immutable
        /// types work without reflection. Construction uses the parameterless constructor, else a constructor whose
        /// parameters all match [Id] members by name, else an uninitialized object.
        /// </summary>
        private void EmitSerializer(StringBuilder sb, StringBuilder registrations, INamedTypeSymbol type)
        {
            var t = Type(type);
            if (InheritsFrom(type, _known.Exception))
            {
                var ctor = type.InstanceConstructors.FirstOrDefault(c => c.DeclaredAccessibility != Accessibility.Private
                    && c.Parameters.Length == 1 && c.Parameters[0].Type.SpecialType == SpecialType.System_String);
                if (ctor != null && !type.IsAbstract)
                {
                    registrations.AppendLine("            " + GrainCodeGenerator.SerializationNs + ".Codecs.ExceptionCodec.Register<" + t + ">(static message => new " + t + "(message));");
                }

                return;
            }

            var fields = CollectFields(type);
            if (fields == null)
            {
                return;
            }

            var codecName = "Codec_" + GrainCodeGenerator.Sanitize(Name(type));
            var byRef = type.IsValueType ? "ref " : string.Empty;
            registrations.AppendLine("            " + GrainCodeGenerator.SerializationNs + ".CodecRegistry.Register<" + t + ">(new " + codecName + "());");
            sb.AppendLine("    [global::System.ComponentModel.EditorBrowsable(global::System.ComponentModel.EditorBrowsableState.Never)]");
            sb.AppendLine("    internal sealed class " + codecName + " : " + GrainCodeGenerator.SerializationNs + ".ObjectCodec<" + t + ">");
            sb.AppendLine("    {");
            sb.AppendLine("        public override string Alias => " + GrainCodeGenerator.Literal(WireName(type)) + ";");

            // Writer.
            sb.AppendLine("        public override void WriteContent(" + GrainCodeGenerator.SerializationNs + ".CodecWriter writer, " + t + " value)");
            sb.AppendLine("        {");
            foreach (var f in fields)
            {
                sb.AppendLine("            " + GrainCodeGenerator.SerializationNs + ".CodecRegistry.Get<" + Type(f.Type) + ">().WriteField(writer, " + f.Id.ToString(CultureInfo.InvariantCulture) + "u, " + ReadMember(f, byRef) + ");");
            }

            sb.AppendLine("        }");

            // Reader.
            sb.AppendLine("        public override " + t + " ReadContent(" + GrainCodeGenerator.SerializationNs + ".CodecReader reader, int end)");
            sb.AppendLine("        {");
            foreach (var f in fields)
            {
                sb.AppendLine("            " + Type(f.Type) + " " + f.Local + " = default;");
                sb.AppendLine("            bool " + f.Local + "_read = false;");
            }

            sb.AppendLine("            while (reader.TryReadFieldHeader(end, out var id, out var wireType))");
            sb.AppendLine("            {");
            sb.AppendLine("                switch (id)");
            sb.AppendLine("                {");
            foreach (var f in fields)
            {
                sb.AppendLine("                    case " + f.Id.ToString(CultureInfo.InvariantCulture) + "u: " + f.Local + " = " + GrainCodeGenerator.SerializationNs + ".CodecRegistry.Get<" + Type(f.Type) + ">().ReadValue(reader, wireType); " + f.Local + "_read = true; break;");
            }

            sb.AppendLine("                    default: reader.Skip(wireType); break;");
            sb.AppendLine("                }");
            sb.AppendLine("            }");
            var viaCtor = Construct(sb, type, fields);
            foreach (var f in fields.Where(f => !viaCtor.Contains(f)))
            {
                sb.AppendLine("            if (" + f.Local + "_read) " + WriteMember(f, byRef) + ";");
            }

            sb.AppendLine("            return result;");
            sb.AppendLine("        }");
            EmitAccessors(sb, type, fields, byRef);
            sb.AppendLine("    }");
        }

        private List<FieldModel>? CollectFields(INamedTypeSymbol type)
        {
            var fields = new List<FieldModel>();
            var ids = new HashSet<uint>();
            for (var current = type; current != null && current.SpecialType != SpecialType.System_Object; current = current.BaseType)
            {
                foreach (var member in current.GetMembers())
                {
                    if (member.IsStatic || !(member is IFieldSymbol || member is IPropertySymbol))
                    {
                        continue;
                    }

                    var idAttribute = KnownSymbols.GetAttribute(member, "Marketplace.Runtime.Serialization.IdAttribute");
                    if (idAttribute?.ConstructorArguments.FirstOrDefault().Value is not uint id)
                    {
                        continue;
                    }

                    if (!ids.Add(id))
                    {
                        Report(DiagnosticDescriptors.DuplicateFieldId, member, type.Name, id);
                        return null;
                    }

                    var memberType = member is IFieldSymbol field ? field.Type : ((IPropertySymbol)member).Type;
                    fields.Add(new FieldModel { Member = member, Type = memberType, Id = id, Local = "f" + id.ToString(CultureInfo.InvariantCulture) });
                }
            }

            fields.Sort((a, b) => a.Id.CompareTo(b.Id));
            return fields;
        }

        private HashSet<FieldModel> Construct(StringBuilder sb, INamedTypeSymbol type, List<FieldModel> fields)
        {
            var t = Type(type);
            var used = new HashSet<FieldModel>();
            var ctors = type.InstanceConstructors.Where(c => c.DeclaredAccessibility != Accessibility.Private && c.DeclaredAccessibility != Accessibility.Protected).ToList();
            if (type.IsValueType || ctors.Any(c => c.Parameters.Length == 0))
            {
                sb.AppendLine("            var result = new " + t + "();");
                return used;
            }

            foreach (var ctor in ctors.OrderByDescending(c => c.Parameters.Length))
            {
                var args = new List<string>();
                var matched = new List<FieldModel>();
                foreach (var p in ctor.Parameters)
                {
                    var f = fields.FirstOrDefault(x => string.Equals(x.Member.Name, p.Name, System.StringComparison.OrdinalIgnoreCase)
                        && SymbolEqualityComparer.Default.Equals(x.Type, p.Type));
                    if (f == null)
                    {
                        break;
                    }

                    args.Add(f.Local);
                    matched.Add(f);
                }

                if (matched.Count == ctor.Parameters.Length)
                {
                    sb.AppendLine("            var result = new " + t + "(" + string.Join(", ", args) + ");");
                    foreach (var f in matched)
                    {
                        used.Add(f);
                    }

                    return used;
                }
            }

            sb.AppendLine("            var result = (" + t + ")global::System.Runtime.CompilerServices.RuntimeHelpers.GetUninitializedObject(typeof(" + t + "));");
            return used;
        }

        private bool IsAccessible(ISymbol symbol) =>
            symbol.DeclaredAccessibility == Accessibility.Public || symbol.DeclaredAccessibility == Accessibility.Internal
            || symbol.DeclaredAccessibility == Accessibility.ProtectedOrInternal;

        private string ReadMember(FieldModel f, string byRef)
        {
            if (f.Member is IPropertySymbol p)
            {
                return p.GetMethod != null && IsAccessible(p.GetMethod) ? "value." + p.Name : "Get_" + p.Name + "(" + byRef + "value)";
            }

            return IsAccessible(f.Member) ? "value." + f.Member.Name : "Field_" + f.Member.Name + "(" + byRef + "value)";
        }

        private string WriteMember(FieldModel f, string byRef)
        {
            if (f.Member is IPropertySymbol p)
            {
                if (p.SetMethod != null && !p.SetMethod.IsInitOnly && IsAccessible(p.SetMethod))
                {
                    return "result." + p.Name + " = " + f.Local;
                }

                return p.SetMethod != null
                    ? "Set_" + p.Name + "(" + byRef + "result, " + f.Local + ")"
                    : "Backing_" + p.Name + "(" + byRef + "result) = " + f.Local;
            }

            var field = (IFieldSymbol)f.Member;
            return IsAccessible(field) && !field.IsReadOnly
                ? "result." + field.Name + " = " + f.Local
                : "Field_" + field.Name + "(" + byRef + "result) = " + f.Local;
        }

        private void EmitAccessors(StringBuilder sb, INamedTypeSymbol type, List<FieldModel> fields, string byRef)
        {
            const string Accessor = "[global::System.Runtime.CompilerServices.UnsafeAccessor(global::System.Runtime.CompilerServices.UnsafeAccessorKind.";
            foreach (var f in fields)
            {
                var owner = Type(f.Member.ContainingType);
                var ownerParam = byRef + owner;
                var mt = Type(f.Type);
                if (f.Member is IPropertySymbol p)
                {
                    if (p.GetMethod == null || !IsAccessible(p.GetMethod))
                    {
                        sb.AppendLine("        " + Accessor + "Method, Name = \"get_" + p.Name + "\")] private static extern " + mt + " Get_" + p.Name + "(" + ownerParam + " o);");
                    }

                    if (p.SetMethod != null && (p.SetMethod.IsInitOnly || !IsAccessible(p.SetMethod)))
                    {
                        sb.AppendLine("        " + Accessor + "Method, Name = \"set_" + p.Name + "\")] private static extern void Set_" + p.Name + "(" + ownerParam + " o, " + mt + " v);");
                    }
                    else if (p.SetMethod == null)
                    {
                        sb.AppendLine("        " + Accessor + "Field, Name = \"<" + p.Name + ">k__BackingField\")] private static extern ref " + mt + " Backing_" + p.Name + "(" + ownerParam + " o);");
                    }
                }
                else
                {
                    var field = (IFieldSymbol)f.Member;
                    if (!IsAccessible(field) || field.IsReadOnly)
                    {
                        sb.AppendLine("        " + Accessor + "Field, Name = \"" + field.Name + "\")] private static extern ref " + mt + " Field_" + field.Name + "(" + ownerParam + " o);");
                    }
                }
            }
        }

        private static bool InheritsFrom(INamedTypeSymbol type, INamedTypeSymbol baseType)
        {
            for (var t = type.BaseType; t != null; t = t.BaseType)
            {
                if (SymbolEqualityComparer.Default.Equals(t, baseType))
                {
                    return true;
                }
            }

            return false;
        }
    }
}
