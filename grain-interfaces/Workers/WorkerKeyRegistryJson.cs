using System.Text.Json;

namespace Marketplace.GrainInterfaces;

/// <summary>
/// The JSON form of a <see cref="WorkerKeyRegistry"/> (<c>GET /v1/workers/registry</c>, or a <c>registry.json</c> file
/// a verifier keeps): <c>{ "epoch": n, "workers": [ { "worker_id", "public_key", "proof_of_possession" } ] }</c>, keys
/// and proofs as lowercase hex. Reading is strict: no duplicate, unknown or missing members, a non-negative epoch,
/// non-empty and unique worker ids, 48-byte keys and 96-byte proofs (whether they decode and verify is the verifier's
/// work).
/// </summary>
public static class WorkerKeyRegistryJson
{
    /// <summary><paramref name="registry"/> as indented JSON (UTF-8 bytes).</summary>
    public static byte[] Serialize(WorkerKeyRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        return JsonSerializer.SerializeToUtf8Bytes(registry, ReceiptFileJson.Options);
    }

    /// <summary>The registry in <paramref name="utf8Json"/>. Throws <see cref="ReceiptFormatException"/> for anything
    /// but one JSON object of the registry's shape.</summary>
    public static WorkerKeyRegistry Parse(ReadOnlySpan<byte> utf8Json)
    {
        var registry = ReceiptFileJson.Parse<WorkerKeyRegistry>(utf8Json, "a worker key registry file");
        if (registry.Workers is null)
        {
            throw new ReceiptFormatException("not a worker key registry file: workers is null");
        }

        if (registry.Epoch < 0)
        {
            throw new ReceiptFormatException($"not a worker key registry file: epoch {registry.Epoch} is negative");
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < registry.Workers.Count; i++)
        {
            var worker = registry.Workers[i];
            if (worker is null || string.IsNullOrEmpty(worker.WorkerId) || worker.PublicKey is null || worker.ProofOfPossession is null)
            {
                throw new ReceiptFormatException($"not a worker key registry file: workers[{i}] has a null or empty member");
            }

            if (!ids.Add(worker.WorkerId))
            {
                throw new ReceiptFormatException($"not a worker key registry file: worker_id '{worker.WorkerId}' is listed twice");
            }

            if (worker.PublicKey.Length != Crypto.Bls.PublicKey.Size)
            {
                throw new ReceiptFormatException($"not a worker key registry file: workers[{i}].public_key is {worker.PublicKey.Length} bytes, not {Crypto.Bls.PublicKey.Size}");
            }

            if (worker.ProofOfPossession.Length != Crypto.Bls.Signature.Size)
            {
                throw new ReceiptFormatException($"not a worker key registry file: workers[{i}].proof_of_possession is {worker.ProofOfPossession.Length} bytes, not {Crypto.Bls.Signature.Size}");
            }
        }

        return registry;
    }
}
