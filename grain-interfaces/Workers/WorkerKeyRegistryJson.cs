using System.Text.Json;
using Marketplace.GrainInterfaces.Json;

namespace Marketplace.GrainInterfaces;

/// <summary>
/// The JSON form of a <see cref="WorkerKeyRegistry"/>, as <c>GET /v1/workers/registry</c> answers it and
/// <c>marketplace workers registry --out registry.json</c> writes it:
/// <c>{ "epoch": n, "workers": [ { "worker_id", "public_key", "proof_of_possession" } ] }</c>, keys and proofs as
/// lowercase hex. Reading is strict like <see cref="ReceiptJson"/>: UTF-8, no duplicate, unknown or missing members.
/// </summary>
public static class WorkerKeyRegistryJson
{
    private static readonly JsonSerializerOptions FileOptions = CreateOptions();

    /// <summary><paramref name="registry"/> as indented JSON (UTF-8 bytes).</summary>
    public static byte[] Serialize(WorkerKeyRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        return JsonSerializer.SerializeToUtf8Bytes(registry, FileOptions);
    }

    /// <summary>The registry in <paramref name="utf8Json"/>. Throws <see cref="ReceiptFormatException"/> for anything
    /// but one JSON object of its shape. Proofs of possession are not checked here.</summary>
    public static WorkerKeyRegistry Parse(ReadOnlySpan<byte> utf8Json)
    {
        WorkerKeyRegistry? registry;
        try
        {
            registry = JsonSerializer.Deserialize<WorkerKeyRegistry>(utf8Json, FileOptions);
        }
        catch (JsonException e)
        {
            throw new ReceiptFormatException($"not a worker key registry file: {e.Message}", e);
        }
        catch (InvalidOperationException e)
        {
            throw new ReceiptFormatException($"not a worker key registry file: {e.Message}", e);
        }

        if (registry?.Workers is null || registry.Workers.Exists(static w => w is null || w.WorkerId is null || w.PublicKey is null || w.ProofOfPossession is null))
        {
            throw new ReceiptFormatException("not a worker key registry file: a member is null");
        }

        return registry;
    }

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions();
        MarketplaceJson.Configure(options);
        options.WriteIndented = true;
        options.AllowDuplicateProperties = false;
        options.MakeReadOnly();
        return options;
    }
}
