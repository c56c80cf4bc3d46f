using System.Collections.Concurrent;
using Marketplace.Crypto.Bls;
using Marketplace.GrainInterfaces;
using Marketplace.Grains.Execution;
using Marketplace.Grains.Tests.Jobs;
using Marketplace.Grains.Tests.Samples;
using Marketplace.Grains.Workers.TestHooks;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Grains.Tests.Committee;

/// <summary>Silos for committee tests: workers whose runs a test can make lie, stay silent or sign agreements with a
/// key that is not theirs (<see cref="IRunResultTampering"/>, registered only here).</summary>
internal static class CommitteeKit
{
    /// <summary>Starts a silo with <paramref name="workers"/> (the first is the cheapest, so it executes) and the
    /// tampering hooks, committee size <paramref name="committee"/> by default.</summary>
    public static Task<MarketplaceTestSilo> StartAsync(Tampering tampering, int committee, params string[] workers) =>
        StartAsync(tampering, committee, null, null, workers);

    /// <summary>Starts a silo like <see cref="StartAsync(Tampering, int, string[])"/> with more settings and services.</summary>
    public static async Task<MarketplaceTestSilo> StartAsync(Tampering tampering, int committee, Action<JobsSettings>? configure, Action<IServiceCollection>? services, params string[] workers)
    {
        var settings = new JobsSettings()
            .Set("Marketplace:Jobs:DefaultCommitteeSize", committee.ToString(System.Globalization.CultureInfo.InvariantCulture))
            // Every run is re-executed here; sampling has its own tests (CommitteeSampleTests).
            .Set("Marketplace:Jobs:CommitteeSampleEvery", "1")
            .Set("Marketplace:Jobs:CommitteeDeadlineMargin", "00:00:00.500")
            .Set("Marketplace:Jobs:MaxRerunRounds", "1")
            // A loaded machine can stall heartbeats for seconds; a member that looks offline at the draw would leave
            // the job unverified for a reason no committee test is about.
            .Set("Marketplace:Jobs:WorkerOfflineAfter", "00:00:30");
        for (var i = 0; i < workers.Length; i++)
        {
            settings.Worker(workers[i], price: i == 0 ? 1 : 50);
        }

        configure?.Invoke(settings);
        var silo = await MarketplaceTestSilo.StartAsync(settings.Values, collection =>
        {
            collection.AddSingleton<IRunResultTampering>(tampering);
            services?.Invoke(collection);
        });
        await WorkerTests.WaitForWorkersAsync(silo, workers.Length);
        return silo;
    }

    /// <summary>Deploys the echo sample (upper-cases its input).</summary>
    public static async Task<string> DeployEchoAsync(MarketplaceTestSilo silo)
    {
        var deployment = ProgramDeployments.Create(SamplePrograms.Wasm("echo"), new ProgramManifest { Name = "echo", Version = "1.0.0" }, JobsKit.DeployerKey);
        var id = ProgramDeployments.ComputeProgramId(deployment.Wasm, deployment.Manifest.Salt);
        return (await silo.Grains.GetGrain<IProgramGrain>(id).DeployAsync(deployment, BlobCaller.Silo)).Id;
    }

    public static async Task<byte[]> ReadOutputAsync(MarketplaceTestSilo silo, JobInfo done)
    {
        var target = new MemoryStream();
        await BlobTransfer.DownloadAsync(silo.Grains, BlobCaller.Silo, done.OutputBlobId!, target, 0, null, null, CancellationToken.None);
        return target.ToArray();
    }

    /// <summary>True when <paramref name="aggregated"/>'s signature verifies over its receipt hash under the keys of
    /// the members its bitmap names.</summary>
    public static bool Verifies(AggregatedReceipt aggregated)
    {
        var keys = new List<PublicKey>();
        for (var i = 0; i < aggregated.Members.Count; i++)
        {
            if ((aggregated.SignerBitmap[i / 8] & (1 << (i % 8))) != 0)
            {
                keys.Add(PublicKey.FromBytes(aggregated.Members[i].PublicKey));
            }
        }

        return keys.Count > 0 && Bls.FastAggregateVerify(keys, aggregated.ReceiptHash, Signature.FromBytes(aggregated.AggregateSignature));
    }

    /// <summary>The members whose bit is set.</summary>
    public static List<string> Signers(AggregatedReceipt aggregated)
    {
        var ids = new List<string>();
        for (var i = 0; i < aggregated.Members.Count; i++)
        {
            if ((aggregated.SignerBitmap[i / 8] & (1 << (i % 8))) != 0)
            {
                ids.Add(aggregated.Members[i].WorkerId);
            }
        }

        return ids;
    }
}

/// <summary>What the test makes workers do wrong.</summary>
internal sealed class Tampering : IRunResultTampering, IDisposable
{
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentDictionary<string, byte> _silenced = new(StringComparer.Ordinal);

    /// <summary>Workers whose runs output something else than the program did (they still sign it).</summary>
    public HashSet<string> Liars { get; } = new(StringComparer.Ordinal);

    /// <summary>Workers whose agreements carry a signature by another key.</summary>
    public HashSet<string> ForgeAgreements { get; } = new(StringComparer.Ordinal);

    /// <summary>When set, the first run by a worker other than this one (the executor) never finishes until dispose.</summary>
    public string? SilenceFirstMemberBesides { get; set; }

    /// <summary>The worker that was silenced.</summary>
    public string? Silenced => _silenced.Keys.FirstOrDefault();

    public async ValueTask<ProgramRunResult> TamperAsync(string workerId, string jobId, ProgramRunResult result)
    {
        if (SilenceFirstMemberBesides is { } executor && workerId != executor && _silenced.IsEmpty && _silenced.TryAdd(workerId, 0))
        {
            await _release.Task;
        }

        if (!Liars.Contains(workerId) || result.Outcome != ProgramRunOutcome.Succeeded)
        {
            return result;
        }

        var lie = result.Output.ToArray();
        Array.Reverse(lie);
        return new ProgramRunResult
        {
            Outcome = result.Outcome,
            Output = (byte[])[.. lie, (byte)'!'],
            FuelConsumed = result.FuelConsumed,
            Error = result.Error,
            Logs = result.Logs,
            StateRoot = result.StateRoot,
            Duration = result.Duration,
            Provenance = result.Provenance,
        };
    }

    public byte[] TamperAgreement(string workerId, string jobId, byte[] receiptHash, byte[] signature)
    {
        if (!ForgeAgreements.Contains(workerId))
        {
            return signature;
        }

        using var other = Bls.KeyGen(new byte[32]);
        return Bls.Sign(other, receiptHash).ToBytes();
    }

    /// <summary>Lets the silenced run finish (its late answer is ignored), so the silo can stop.</summary>
    public void Release() => _release.TrySetResult();

    public void Dispose() => _release.TrySetResult();
}
