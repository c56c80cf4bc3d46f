using System.Text;
using Marketplace.Crypto.Bls;
using Xunit;
using BlsScheme = Marketplace.Crypto.Bls.Bls;

namespace Marketplace.Crypto.Tests.Bls;

/// <summary>
/// AggregateVerify splits its messages into one chunk per allowed core; the answer must not depend on the split.
/// Runs in the backend collection (alone) because the core count is process-wide.
/// </summary>
[Collection(FieldBackendCollection.Name)]
public sealed class AggregateVerifyChunkingTests
{
    private const int Signers = 7;
    private static readonly SecretKey[] Keys = Enumerable.Range(1, Signers).Select(i => BlsScheme.KeyGen(Ikm(i))).ToArray();
    private static readonly PublicKey[] PublicKeys = Keys.Select(k => k.PublicKey()).ToArray();
    private static readonly byte[][] Messages = Enumerable.Range(0, Signers).Select(i => Encoding.UTF8.GetBytes($"chunk test message {i}")).ToArray();
    private static readonly Signature Aggregate = BlsScheme.Aggregate(Keys.Select((k, i) => BlsScheme.Sign(k, Messages[i])).ToList());

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(8)]
    public void TheAnswerDoesNotDependOnHowManyChunksRun(int cores)
    {
        int previous = BlsScheme.Parallelism;
        try
        {
            BlsScheme.Parallelism = cores;
            Assert.True(BlsScheme.AggregateVerify(PublicKeys, Messages, Aggregate));

            // A wrong message in the last chunk, in the first chunk, and a swapped pair across chunks.
            foreach (int wrong in new[] { Signers - 1, 0 })
            {
                var messages = Messages.ToArray();
                messages[wrong] = Encoding.UTF8.GetBytes("forged");
                Assert.False(BlsScheme.AggregateVerify(PublicKeys, messages, Aggregate));
            }

            var swapped = Messages.ToArray();
            (swapped[0], swapped[Signers - 1]) = (swapped[Signers - 1], swapped[0]);
            Assert.False(BlsScheme.AggregateVerify(PublicKeys, swapped, Aggregate));

            // The identity signature (valid encoding) never verifies real messages.
            byte[] identity = new byte[96];
            identity[0] = 0xc0;
            Assert.False(BlsScheme.AggregateVerify(PublicKeys, Messages, Signature.FromBytes(identity)));

            // One signer, one chunk whatever the core count.
            Assert.True(BlsScheme.AggregateVerify([PublicKeys[0]], [Messages[0]], BlsScheme.Sign(Keys[0], Messages[0])));
        }
        finally
        {
            BlsScheme.Parallelism = previous;
        }
    }

    [Fact]
    public void AtLeastOneCoreIsRequired()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => BlsScheme.Parallelism = 0);
    }

    private static byte[] Ikm(int i)
    {
        var ikm = new byte[32];
        ikm[0] = (byte)(0xa0 + i);
        return ikm;
    }
}
