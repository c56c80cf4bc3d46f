namespace Marketplace.Runtime.Tests.Networking;

/// <summary>Returns large results from small requests (fills a client's receive path).</summary>
public interface IBulkGrain : IGrainWithIntegerKey
{
    Task<byte[]> Bytes(int size);
}

public sealed class BulkGrain : Grain, IBulkGrain
{
    public Task<byte[]> Bytes(int size) => Task.FromResult(new byte[size]);
}
