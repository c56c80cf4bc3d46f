namespace Marketplace.GrainInterfaces;

/// <summary>The host ABI a receipted run used; one byte in the receipt's encoding (see grain-interfaces/Receipts/README.md).</summary>
public enum ReceiptAbi : byte
{
    /// <summary>The ONVM host functions (module <c>env</c>).</summary>
    Onvm = 1,

    /// <summary>The marketplace's deterministic WASI preview 1 host.</summary>
    Wasi = 2,
}
