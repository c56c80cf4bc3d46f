namespace System.Runtime.CompilerServices;

/// <summary>Lets the emitted dynamic assemblies call this library's internal runtime helpers (honoured by CoreCLR).</summary>
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = true)]
internal sealed class IgnoresAccessChecksToAttribute : Attribute
{
    public IgnoresAccessChecksToAttribute(string assemblyName)
    {
        AssemblyName = assemblyName;
    }

    public string AssemblyName { get; }
}
