namespace Marketplace.Runtime;

/// <summary>Anything that has a grain identity: grain references and grain instances.</summary>
public interface IAddressable
{
}

/// <summary>Marker for grain interfaces. Use one of the key interfaces below rather than this one directly.</summary>
public interface IGrain : IAddressable
{
}

/// <summary>A grain identified by a string key.</summary>
public interface IGrainWithStringKey : IGrain
{
}

/// <summary>A grain identified by a GUID key.</summary>
public interface IGrainWithGuidKey : IGrain
{
}

/// <summary>A grain identified by a 64-bit integer key.</summary>
public interface IGrainWithIntegerKey : IGrain
{
}

/// <summary>A grain identified by a GUID plus a string extension.</summary>
public interface IGrainWithGuidCompoundKey : IGrain
{
}

/// <summary>A grain identified by a 64-bit integer plus a string extension.</summary>
public interface IGrainWithIntegerCompoundKey : IGrain
{
}
