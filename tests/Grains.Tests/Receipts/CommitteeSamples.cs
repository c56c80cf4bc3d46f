using Marketplace.Crypto.Bls;
using Marketplace.GrainInterfaces;

namespace Marketplace.Grains.Tests.Receipts;

/// <summary>A committee of real BLS keys (fixed seeds), its aggregated receipts and its key registry.</summary>
internal sealed class CommitteeSamples : IDisposable
{
    public const long Epoch = 4;

    public CommitteeSamples(int members)
    {
        Keys = new SecretKey[members];
        for (var i = 0; i < members; i++)
        {
            Keys[i] = ReceiptSamples.Key((byte)(40 + i));
        }
    }

    public SecretKey[] Keys { get; }

    public static string WorkerId(int i) => "w" + (i + 1);

    /// <summary>The golden receipt signed by the members at <paramref name="signers"/> (all when empty).</summary>
    public AggregatedReceipt Aggregate(params int[] signers)
    {
        if (signers.Length == 0)
        {
            signers = [.. Enumerable.Range(0, Keys.Length)];
        }

        var receipt = ReceiptSamples.Golden();
        var hash = ReceiptCodec.Hash(receipt);
        var bitmap = new byte[(Keys.Length + 7) / 8];
        foreach (var i in signers)
        {
            bitmap[i / 8] |= (byte)(1 << (i % 8));
        }

        return new AggregatedReceipt
        {
            Receipt = receipt,
            ReceiptHash = hash,
            Members = [.. Keys.Select((key, i) => new CommitteeMember
            {
                WorkerId = WorkerId(i),
                PublicKey = Bls.SkToPk(key).ToBytes(),
                Role = i == 0 ? CommitteeRole.Executor : CommitteeRole.Committee,
            })],
            SignerBitmap = bitmap,
            AggregateSignature = Bls.Aggregate([.. signers.Select(i => Bls.Sign(Keys[i], hash))]).ToBytes(),
            Threshold = (Keys.Length / 2) + 1,
            RegistryEpoch = Epoch,
            DrawSeed = CommitteeDraw.Seed(hash),
        };
    }

    /// <summary>The registry holding every member's key and proof of possession at <see cref="Epoch"/>.</summary>
    public WorkerKeyRegistry Registry() => new()
    {
        Epoch = Epoch,
        Workers = [.. Keys.Select((key, i) => new RegisteredWorkerKey
        {
            WorkerId = WorkerId(i),
            PublicKey = Bls.SkToPk(key).ToBytes(),
            ProofOfPossession = Bls.PopProve(key).ToBytes(),
        })],
    };

    public void Dispose()
    {
        foreach (var key in Keys)
        {
            key.Dispose();
        }
    }
}
