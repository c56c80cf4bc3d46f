using Microsoft.CodeAnalysis;

namespace Marketplace.Runtime.CodeGenerator
{
    /// <summary>Compile-time errors for invalid grain interfaces, grain classes and serializable types.</summary>
    internal static class DiagnosticDescriptors
    {
        private const string Category = "Marketplace.Runtime";

        public static readonly DiagnosticDescriptor InvalidReturnType = new DiagnosticDescriptor(
            "MKT0001", "Grain method has an invalid return type",
            "Grain interface method '{0}' returns '{1}'; grain methods must return Task, Task<T>, ValueTask or ValueTask<T>",
            Category, DiagnosticSeverity.Error, true);

        public static readonly DiagnosticDescriptor PropertyOnGrainInterface = new DiagnosticDescriptor(
            "MKT0002", "Grain interfaces cannot have properties or events",
            "Grain interface '{0}' declares '{1}'; grain interfaces may only declare methods (use a GetXxx() method returning Task<T>)",
            Category, DiagnosticSeverity.Error, true);

        public static readonly DiagnosticDescriptor RefParameter = new DiagnosticDescriptor(
            "MKT0003", "Grain method parameters cannot be ref, out or in",
            "Parameter '{0}' of grain method '{1}' is ref/out/in; grain calls copy their arguments, so pass values and return results instead",
            Category, DiagnosticSeverity.Error, true);

        public static readonly DiagnosticDescriptor GenericMethod = new DiagnosticDescriptor(
            "MKT0004", "Generic grain methods are not supported",
            "Grain method '{0}' is generic; generic grain methods are not supported by this runtime",
            Category, DiagnosticSeverity.Error, true);

        public static readonly DiagnosticDescriptor GenericInterface = new DiagnosticDescriptor(
            "MKT0005", "Generic grain interfaces are not supported",
            "Grain interface '{0}' is generic; generic grain interfaces are not supported by this runtime",
            Category, DiagnosticSeverity.Error, true);

        public static readonly DiagnosticDescriptor OneWayWithResult = new DiagnosticDescriptor(
            "MKT0006", "One-way methods cannot return a value",
            "Grain method '{0}' is [OneWay] but returns a value; one-way methods must return Task or ValueTask",
            Category, DiagnosticSeverity.Error, true);

        public static readonly DiagnosticDescriptor CancellationTokenPosition = new DiagnosticDescriptor(
            "MKT0007", "A CancellationToken must be the last parameter",
            "Grain method '{0}' has a CancellationToken that is not its only and last such parameter",
            Category, DiagnosticSeverity.Error, true);

        public static readonly DiagnosticDescriptor GenericGrainClass = new DiagnosticDescriptor(
            "MKT0008", "Generic grain classes are not supported",
            "Grain class '{0}' is generic; generic grain classes are not supported by this runtime",
            Category, DiagnosticSeverity.Error, true);

        public static readonly DiagnosticDescriptor DuplicateFieldId = new DiagnosticDescriptor(
            "MKT0009", "Duplicate serialization id",
            "Type '{0}' uses [Id({1})] on more than one member",
            Category, DiagnosticSeverity.Error, true);

        public static readonly DiagnosticDescriptor GenericSerializableType = new DiagnosticDescriptor(
            "MKT0010", "Generic serializable types are not supported",
            "Type '{0}' is generic; [GenerateSerializer] supports non-generic types only",
            Category, DiagnosticSeverity.Error, true);

        public static readonly DiagnosticDescriptor InaccessibleType = new DiagnosticDescriptor(
            "MKT0011", "Type is not accessible to generated code",
            "Type '{0}' must be public or internal (not private or protected) for generated code to use it",
            Category, DiagnosticSeverity.Error, true);
    }
}
