using System.Security.Cryptography;
using Marketplace.Crypto.Bls;
using Marketplace.GrainInterfaces;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Marketplace.Grains.Tests.Jobs;

public sealed class WorkerTests
{
    [Fact]
    public async Task AFreshSiloHostsTwoDefaultWorkersThatAreOnlineWithBlsKeys()
    {
        await using var silo = await MarketplaceTestSilo.StartAsync();
        var workers = await WaitForWorkersAsync(silo, 2);
        Assert.Equal(["w1", "w2"], workers.Select(w => w.WorkerId));
        foreach (var w in workers)
        {
            Assert.True(w.Online);
            Assert.Equal(96, w.BlsPublicKey.Length);
            Assert.Equal(["wasm"], w.Capabilities.Runtimes);
            Assert.Equal("local", w.Capabilities.Labels["region"]);
            Assert.Equal(0.8, w.Reputation, 3);
            Assert.Equal(silo.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress.ToString(), (await silo.Grains.GetGrain<IWorkerGrain>(w.WorkerId).GetAsync()).Silo);
        }

        Assert.NotEqual(workers[0].BlsPublicKey, workers[1].BlsPublicKey);
        var online = await silo.Grains.GetGrain<IWorkerDirectoryGrain>(IWorkerDirectoryGrain.DefaultKey).ListOnlineIdsAsync();
        Assert.Equal(["w1", "w2"], online.Order());
    }

    [Fact]
    public async Task JobsFailingForReasonsTheClientCausedCostTheWorkerNoReputation()
    {
        await using var silo = await JobsKit.StartAsync(new JobsSettings().Worker("w1"));
        var loop = await JobsKit.DeployAsync(silo, "infinite_loop");
        var bomb = await JobsKit.DeployAsync(silo, "memory_bomb");
        var trap = await JobsKit.DeployAsync(silo, "trap");
        var outcomes = new List<FailureReason>();
        foreach (var (program, request) in new[] { (loop, "fuel"), (bomb, "memory"), (trap, "trap") })
        {
            var job = await silo.Grains.SubmitAsync(JobsKit.Job(program, s => { s.RequestId = request; s.MaxFuel = 5_000_000; s.MaxMemoryBytes = 8L << 20; }));
            var done = await silo.Grains.WaitTerminalAsync(job.JobId);
            Assert.Equal(JobStatus.Failed, done.Status);
            outcomes.Add(done.FailureReason);
        }

        Assert.Equal([FailureReason.OutOfFuel, FailureReason.OutOfMemory, FailureReason.ExecutionError], outcomes);
        var worker = await silo.Grains.GetGrain<IWorkerGrain>("w1").GetAsync();
        Assert.Equal(0, worker.Failed);
        Assert.Equal(0.8, worker.Reputation, 3);
    }

    [Fact]
    public async Task ConfiguredWorkersRegisterWithTheirCapabilities()
    {
        var settings = new JobsSettings().Worker("eu-1", price: 7, maxMemoryBytes: 1L << 30, region: "eu", capacity: 3, queue: 4).Worker("us-1", region: "us");
        await using var silo = await MarketplaceTestSilo.StartAsync(settings.Values);
        var workers = await WaitForWorkersAsync(silo, 2);
        var eu = Assert.Single(workers, w => w.WorkerId == "eu-1");
        Assert.Equal(7, eu.Capabilities.PricePerMillionFuel);
        Assert.Equal(1L << 30, eu.Capabilities.MaxMemoryBytes);
        Assert.Equal("eu", eu.Capabilities.Labels["region"]);
        Assert.Equal(3, eu.Capabilities.Capacity);
        Assert.Equal(4, eu.Capabilities.MaxQueueDepth);
        var info = await silo.Grains.GetGrain<IWorkerGrain>("us-1").GetAsync();
        Assert.Equal("us", info.Capabilities.Labels["region"]);
    }

    [Fact]
    public async Task AWorkerKeepsItsBlsKeyAcrossRestarts()
    {
        await using var silo = await MarketplaceTestSilo.StartAsync(new JobsSettings().Worker("keeper").Values);
        var before = (await silo.Grains.GetGrain<IWorkerGrain>("keeper").GetAsync()).BlsPublicKey;
        await silo.RestartAsync();
        var after = (await silo.Grains.GetGrain<IWorkerGrain>("keeper").GetAsync()).BlsPublicKey;
        Assert.Equal(before, after);
        Assert.True(File.Exists(Path.Combine(silo.DataFolder, "workers", "keeper.bls")));
    }

    [Fact]
    public async Task ARegistrationWhoseProofOfPossessionDoesNotVerifyIsRejected()
    {
        await using var silo = await MarketplaceTestSilo.StartAsync(new JobsSettings().Worker("w1").Values);
        using var key = Bls.KeyGen(RandomNumberGenerator.GetBytes(32));
        using var other = Bls.KeyGen(RandomNumberGenerator.GetBytes(32));
        var worker = silo.Grains.GetGrain<IWorkerGrain>("intruder");

        // The proof is made with another secret key than the registered public key.
        var stolen = new WorkerRegistration
        {
            BlsPublicKey = Convert.ToHexStringLower(Bls.SkToPk(key).ToBytes()),
            ProofOfPossession = Convert.ToHexStringLower(Bls.PopProve(other).ToBytes()),
        };
        var e = await Assert.ThrowsAsync<WorkerRejectedException>(() => worker.RegisterAsync(stolen));
        Assert.Contains("proofOfPossession does not verify", e.Message);
        Assert.Equal("worker_rejected", e.Code);

        // A signature over the key (not a proof of possession) is not accepted either: PoP has its own domain.
        var signature = new WorkerRegistration
        {
            BlsPublicKey = stolen.BlsPublicKey,
            ProofOfPossession = Convert.ToHexStringLower(Bls.Sign(key, Bls.SkToPk(key).ToBytes()).ToBytes()),
        };
        await Assert.ThrowsAsync<WorkerRejectedException>(() => worker.RegisterAsync(signature));

        var malformed = new WorkerRegistration { BlsPublicKey = "zz", ProofOfPossession = "00" };
        Assert.Contains("hex", (await Assert.ThrowsAsync<WorkerRejectedException>(() => worker.RegisterAsync(malformed))).Message);
        await Assert.ThrowsAsync<WorkerNotFoundException>(() => worker.GetAsync());

        // The right proof registers; a different key for the same worker id afterwards is rejected.
        var good = new WorkerRegistration { BlsPublicKey = stolen.BlsPublicKey, ProofOfPossession = Convert.ToHexStringLower(Bls.PopProve(key).ToBytes()) };
        Assert.Equal(good.BlsPublicKey, (await worker.RegisterAsync(good)).BlsPublicKey);
        var rekey = new WorkerRegistration { BlsPublicKey = Convert.ToHexStringLower(Bls.SkToPk(other).ToBytes()), ProofOfPossession = Convert.ToHexStringLower(Bls.PopProve(other).ToBytes()) };
        Assert.Contains("another BLS key", (await Assert.ThrowsAsync<WorkerRejectedException>(() => worker.RegisterAsync(rekey))).Message);
    }

    [Fact]
    public async Task AWorkerWhoseHostStopsHeartbeatingGoesOffline()
    {
        await using var silo = await MarketplaceTestSilo.StartAsync(new JobsSettings().Worker("a").Worker("b").Values);
        await WaitForWorkersAsync(silo, 2);
        silo.Faults().Crash("a");
        var directory = silo.Grains.GetGrain<IWorkerDirectoryGrain>(IWorkerDirectoryGrain.DefaultKey);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        string[] online;
        do
        {
            await Task.Delay(100);
            online = await directory.ListOnlineIdsAsync();
        }
        while (online.Length != 1 && DateTime.UtcNow < deadline);
        Assert.Equal(["b"], online);
        var list = await directory.ListAsync(null, PageLimits.Max);
        Assert.False(list.Single(w => w.WorkerId == "a").Online);
    }

    internal static async Task<List<WorkerInfo>> WaitForWorkersAsync(MarketplaceTestSilo silo, int count)
    {
        var directory = silo.Grains.GetGrain<IWorkerDirectoryGrain>(IWorkerDirectoryGrain.DefaultKey);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var list = await directory.ListAsync(null, PageLimits.Max);
            if (list.Count(w => w.Online) >= count)
            {
                return list;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"only {list.Count(w => w.Online)} of {count} workers came online within 60 s");
            }

            await Task.Delay(20);
        }
    }
}
