using System.Buffers.Binary;
using Marketplace.GrainInterfaces;
using Marketplace.Grains.Workers;
using Marketplace.Grains.Workers.TestHooks;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Grains.Tests.Jobs;

/// <summary>Deploying the test modules, submitting and waiting for jobs.</summary>
internal static class JobsKit
{
    public const string Client = "client-a";

    /// <summary>A fixed secp256k1 deployer key.</summary>
    internal static readonly byte[] DeployerKey = Convert.FromHexString("4646464646464646464646464646464646464646464646464646464646464646");

    private static readonly Lazy<string> ModulesFolder = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "Jobs", "Modules");
            if (File.Exists(Path.Combine(candidate, "infinite_loop.wasm")))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException("tests/Grains.Tests/Jobs/Modules not found above " + AppContext.BaseDirectory);
    });

    /// <summary>The compiled test module <paramref name="name"/> (Jobs/Modules/name.wasm).</summary>
    public static byte[] Module(string name) => File.ReadAllBytes(Path.Combine(ModulesFolder.Value, name + ".wasm"));

    /// <summary>Deploys a test module and returns its program id.</summary>
    public static async Task<string> DeployAsync(MarketplaceTestSilo silo, string name)
    {
        var deployment = ProgramDeployments.Create(Module(name), new ProgramManifest { Name = name.Replace('_', '-'), Version = "1.0.0" }, DeployerKey);
        var id = ProgramDeployments.ComputeProgramId(deployment.Wasm, deployment.Manifest.Salt);
        var info = await silo.Grains.GetGrain<IProgramGrain>(id).DeployAsync(deployment, BlobCaller.Silo);
        return info.Id;
    }

    /// <summary>Four bytes: the slow loop's iteration count.</summary>
    public static byte[] Iterations(int count)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, count);
        return bytes;
    }

    public static JobSubmission Job(string program, Action<JobSubmission>? change = null)
    {
        var s = new JobSubmission { ClientId = Client, Program = program, MaxRetries = 0 };
        change?.Invoke(s);
        return s;
    }

    /// <summary>Submits to the grain its id names (derived from the request id, else random).</summary>
    public static Task<JobInfo> SubmitAsync(this IGrainFactory grains, JobSubmission s) =>
        grains.GetGrain<IJobGrain>(JobIds.For(s.ClientId, s.RequestId)).SubmitAsync(s);

    /// <summary>A job's status, reason and logs in one line, for assertion messages.</summary>
    public static async Task<string> DescribeAsync(this IGrainFactory grains, string jobId)
    {
        var info = await grains.GetGrain<IJobGrain>(jobId).GetAsync(Client);
        var logs = (await grains.GetGrain<IJobGrain>(jobId).GetLogsAsync(Client, null, PageLimits.Max)).Logs;
        return $"{info.Status} {info.FailureReason} on {info.WorkerId}: {info.ErrorMessage}; logs: " +
            string.Join(" | ", logs.Select(l => $"{l.Timestamp:HH:mm:ss.fff} [{l.Attempt}] {l.Message}"));
    }

    public static Task<JobInfo> WaitTerminalAsync(this IGrainFactory grains, string jobId, TimeSpan? timeout = null) =>
        grains.WaitAsync(jobId, j => j.Status >= JobStatus.Completed, timeout);

    public static async Task<JobInfo> WaitAsync(this IGrainFactory grains, string jobId, Func<JobInfo, bool> until, TimeSpan? timeout = null)
    {
        var job = grains.GetGrain<IJobGrain>(jobId);
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            var info = await job.GetAsync(Client);
            if (until(info))
            {
                return info;
            }

            if (DateTime.UtcNow > deadline)
            {
                var logs = (await job.GetLogsAsync(Client, null, PageLimits.Max)).Logs;
                throw new TimeoutException($"job {jobId} stuck in {info.Status} ({info.ErrorMessage}); logs:\n" + string.Join("\n", logs.Select(l => $"  {l.Level} [{l.Attempt}] {l.Message}")));
            }

            await Task.Delay(10);
        }
    }

    public static async Task<List<JobLogEntry>> LogsAsync(this IGrainFactory grains, string jobId) =>
        (await grains.GetGrain<IJobGrain>(jobId).GetLogsAsync(Client, null, PageLimits.Max)).Logs;

    public static LocalWorkers Workers(this MarketplaceTestSilo silo) => silo.Services.GetRequiredService<LocalWorkers>();

    /// <summary>The fault injection hooks of the test silo (crash or cut off a worker).</summary>
    internal static WorkerFaultInjection Faults(this MarketplaceTestSilo silo) => silo.Services.GetRequiredService<WorkerFaultInjection>();

    /// <summary>Waits until no attempt runs or waits on any worker of the silo.</summary>
    public static async Task WaitIdleAsync(this MarketplaceTestSilo silo, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (silo.Workers().All.Any(e => e.Running + e.Queued > 0))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("workers still busy: " + string.Join(", ", silo.Workers().All.Select(e => $"{e.WorkerId} running {e.Running} queued {e.Queued}")));
            }

            await Task.Delay(10);
        }
    }

    public static async Task<MarketplaceTestSilo> StartAsync(JobsSettings settings)
    {
        var silo = await MarketplaceTestSilo.StartAsync(settings.Values);
        var expected = settings.Values.Keys.Count(k => k.StartsWith("Marketplace:Workers:", StringComparison.OrdinalIgnoreCase) && k.EndsWith(":Id", StringComparison.OrdinalIgnoreCase));
        await WorkerTests.WaitForWorkersAsync(silo, Math.Max(1, expected));
        return silo;
    }
}
