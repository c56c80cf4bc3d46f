namespace Marketplace.Chain.Abi;

/// <summary>A named parameter of a function, event, error or constructor, or a named component of a tuple.</summary>
/// <param name="Name">The name in the JSON ABI (may be empty).</param>
/// <param name="Type">The ABI type.</param>
/// <param name="Indexed">For event inputs: whether the value is a topic rather than in the data.</param>
/// <param name="Components">For tuples (and arrays of tuples): the named components; empty otherwise.</param>
public sealed record AbiParameter(string Name, AbiType Type, bool Indexed = false, IReadOnlyList<AbiParameter>? Components = null)
{
    /// <summary>The types of a parameter list, in order.</summary>
    internal static AbiType[] TypesOf(IReadOnlyList<AbiParameter> parameters)
    {
        var types = new AbiType[parameters.Count];
        for (var i = 0; i < types.Length; i++)
        {
            types[i] = parameters[i].Type;
        }

        return types;
    }

    /// <summary>Unnamed parameters for the types of a signature such as <c>f(uint256,bool)</c>.</summary>
    internal static AbiParameter[] Unnamed(AbiType[] types)
    {
        var parameters = new AbiParameter[types.Length];
        for (var i = 0; i < types.Length; i++)
        {
            parameters[i] = new AbiParameter("", types[i]);
        }

        return parameters;
    }

    /// <summary><c>name(type1,type2)</c>.</summary>
    internal static string Signature(string name, IReadOnlyList<AbiParameter> parameters)
    {
        var text = new System.Text.StringBuilder(name).Append('(');
        for (var i = 0; i < parameters.Count; i++)
        {
            text.Append(i == 0 ? "" : ",").Append(parameters[i].Type.CanonicalName);
        }

        return text.Append(')').ToString();
    }

    /// <summary>Splits <c>name(types)</c> into the name and the parameter types.</summary>
    internal static (string Name, AbiType[] Types) ParseSignature(string signature)
    {
        var open = signature.IndexOf('(');
        if (open <= 0 || signature[^1] != ')')
        {
            throw new ChainFormatException($"'{signature}' is not a signature of the form name(type,...).");
        }

        var name = signature[..open];
        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '_' && c != '$')
            {
                throw new ChainFormatException($"'{name}' is not a Solidity identifier.");
            }
        }

        return (name, AbiTypeParser.ParseList(signature[(open + 1)..^1]));
    }
}
