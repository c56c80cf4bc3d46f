using Marketplace.Crypto.Hashing;

using Wasmtime;

namespace Marketplace.Grains.Execution;

/// <summary>The blob host functions over the manifest's blobs, prefetched before the run.</summary>
internal sealed partial class OnvmRunState
{
    /// <summary><c>onvm_blob_read(id_ptr, id_len, out_ptr, out_cap) → i32</c>: the blob length; −2 id unreadable;
    /// −3 id not UTF-8; −4 bad hex; −5 not 32 bytes; −6 not a blob of the manifest; −7 out_cap too small (the size is
    /// not returned; use onvm_blob_len); −8 output unwritable.</summary>
    public int BlobRead(Caller caller, int idPtr, int idLength, int outPtr, int outCapacity)
    {
        Charge(caller, idLength);
        var code = FindBlob(caller, idPtr, idLength, out var data);
        if (code != 0)
        {
            return code;
        }

        if ((uint)outCapacity < (uint)data!.Length)
        {
            return -7;
        }

        Charge(caller, data.Length);
        if (!TryGet(caller, outPtr, data.Length, out var destination))
        {
            return -8;
        }

        data.CopyTo(destination);
        return data.Length;
    }

    /// <summary><c>onvm_blob_exists(id_ptr, id_len) → i32</c>: 1 when the id is one of the manifest's blobs, else 0.</summary>
    public int BlobExists(Caller caller, int idPtr, int idLength)
    {
        Charge(caller, idLength);
        return FindBlob(caller, idPtr, idLength, out _) == 0 ? 1 : 0;
    }

    /// <summary><c>onvm_blob_len(id_ptr, id_len) → i64</c>: the size; −1 unknown.</summary>
    public long BlobLen(Caller caller, int idPtr, int idLength)
    {
        Charge(caller, idLength);
        return FindBlob(caller, idPtr, idLength, out var data) == 0 ? data!.Length : -1;
    }

    /// <summary><c>onvm_blob_hash(id_ptr, id_len, out_ptr) → i32</c>: writes Blake3 of the content; 0; −2 unknown;
    /// −4 output unwritable.</summary>
    public int BlobHash(Caller caller, int idPtr, int idLength, int outPtr)
    {
        Charge(caller, idLength);
        if (FindBlob(caller, idPtr, idLength, out var data) != 0)
        {
            return -2;
        }

        Charge(caller, data!.Length * 2L);
        if (!TryGet(caller, outPtr, 32, out var destination))
        {
            return -4;
        }

        Blake3.Hash(data, destination);
        return 0;
    }

    /// <summary>Parses a blob id (32 raw bytes, or 64 hex digits with an optional <c>blob</c> prefix in any case)
    /// and finds the prefetched bytes; 0 or the blob_read error code.</summary>
    private int FindBlob(Caller caller, int idPtr, int idLength, out byte[]? data)
    {
        data = null;
        if (!TryGet(caller, idPtr, idLength, out var id))
        {
            return -2;
        }

        string hex;
        if (id.Length == 32)
        {
            hex = Convert.ToHexStringLower(id);
        }
        else
        {
            if (!System.Text.Unicode.Utf8.IsValid(id))
            {
                return -3;
            }

            var text = System.Text.Encoding.UTF8.GetString(id);
            if (text.StartsWith("blob", StringComparison.OrdinalIgnoreCase))
            {
                text = text[4..];
            }

            foreach (var c in text)
            {
                if (!char.IsAsciiHexDigit(c))
                {
                    return -4;
                }
            }

            if (text.Length != 64)
            {
                return -5;
            }

            hex = text.ToLowerInvariant();
        }

        return _blobs.TryGetValue(hex, out data) ? 0 : -6;
    }
}
