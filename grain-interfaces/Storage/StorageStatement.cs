using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Marketplace.GrainInterfaces;

/// <summary>The byte layout of the statements a storage provider signs (<see cref="FragmentCommitment"/>,
/// <see cref="StorageProof"/>): a domain tag, then fields in a fixed order, strings as a 2-byte big-endian length and
/// UTF-8, integers as 4-byte big-endian, digests as they are. SHA-256 of it is what the provider's BLS key signs.</summary>
internal sealed class StorageStatement : IDisposable
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    public StorageStatement(ReadOnlySpan<byte> domainTag) => _hash.AppendData(domainTag);

    public StorageStatement Text(string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value ?? "");
        Span<byte> length = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(length, (ushort)Math.Min(bytes.Length, ushort.MaxValue));
        _hash.AppendData(length);
        _hash.AppendData(bytes);
        return this;
    }

    public StorageStatement Int(int value)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(bytes, value);
        _hash.AppendData(bytes);
        return this;
    }

    public StorageStatement Bytes(ReadOnlySpan<byte> value)
    {
        _hash.AppendData(value);
        return this;
    }

    public StorageStatement Sized(ReadOnlySpan<byte> value)
    {
        Int(value.Length);
        return Bytes(value);
    }

    public byte[] Hash() => _hash.GetHashAndReset();

    public void Dispose() => _hash.Dispose();
}
