using System.Diagnostics;
using System.Text;
using Marketplace.GrainInterfaces;

namespace Marketplace.Chaos;

/// <summary>anvil restarted without its state, and the operator guide's recovery path.</summary>
internal sealed partial class ChaosRun
{
    private const string ChainSettingsFile = "/etc/marketplace/chain/chain.json";

    /// <summary>
    /// <c>docker-compose restart anvil</c> loses every contract (anvil keeps its state in memory). A silo restarted
    /// then must refuse to start, naming the fix, rather than take money into contracts that are gone; the guide's
    /// recovery (<c>up -d --force-recreate deploy silo1 silo2 silo3</c>) must deploy again (at the same addresses, as
    /// the deployer's key and nonces start over), bring every silo back, and
    /// a paid job must complete on the new contracts after the workers bond and the client deposits again.
    /// </summary>
    private async Task CheckAnvilRestartAsync(string program)
    {
        var before = await cluster.ReadFileAsync("silo2", ChainSettingsFile);
        await cluster.RunAsync("restart anvil", TimeSpan.FromMinutes(2));
        await cluster.RunAsync("restart silo1", TimeSpan.FromMinutes(2));

        // Docker restarts the refused silo in a loop (restart: unless-stopped); its log says why each time.
        var refusal = "";
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromMinutes(2) && refusal.Length == 0)
        {
            var logs = await cluster.RunAsync("logs --no-color --tail 300 silo1", TimeSpan.FromMinutes(1), check: false);
            refusal = logs.Split('\n').FirstOrDefault(l => l.Contains("has no contract at", StringComparison.Ordinal))?.Trim() ?? "";
            if (refusal.Length == 0)
            {
                await Task.Delay(TimeSpan.FromSeconds(2));
            }
        }

        var namesFix = refusal.Contains("--force-recreate deploy silo1 silo2 silo3", StringComparison.Ordinal);
        await cluster.RunAsync("up -d --force-recreate deploy silo1 silo2 silo3", TimeSpan.FromMinutes(10));
        var ready = new List<string>();
        foreach (var (service, _) in ComposeCluster.Silos)
        {
            ready.Add($"{service} {(await cluster.WaitReadyAsync(service, TimeSpan.FromMinutes(5))).TotalSeconds:0.0} s");
        }

        var after = await cluster.ReadFileAsync("silo2", ChainSettingsFile);
        // The deployer's key and nonces are the same on a fresh chain, so the contracts come back at the same
        // addresses and chain.json may read the same: the deploy service's log says whether it deployed again.
        var deployLog = await cluster.RunAsync("logs --no-color --tail 40 deploy", TimeSpan.FromMinutes(1), check: false);
        var redeployed = deployLog.Contains("does not have", StringComparison.Ordinal) && deployLog.Contains("deployed on chain", StringComparison.Ordinal);
        await FundAsync("after-anvil-" + settings.RunId);
        var job = await _silos[1].Client.SubmitJobAsync(new JobSubmission
        {
            RequestId = "after-anvil-" + settings.RunId,
            Program = program,
            InputInline = Encoding.UTF8.GetBytes("after-anvil-" + settings.RunId),
            MaxFuel = 100_000,
        });
        var done = job;
        var waited = Stopwatch.StartNew();
        while (done.Status < JobStatus.Completed && waited.Elapsed < TimeSpan.FromMinutes(2))
        {
            await Task.Delay(TimeSpan.FromMilliseconds(500));
            done = await _silos[1].Client.GetJobAsync(job.JobId);
        }

        Check("anvil restarted without its state: a silo refuses stale contracts, naming the fix, and the guide's recovery brings back paid jobs",
            namesFix && redeployed && done.Status == JobStatus.Completed,
            $"silo1 after the restart: {(refusal.Length == 0 ? "NO REFUSAL in its log" : namesFix ? "refused, naming the fix" : "refused without naming the fix: " + refusal)}; "
            + $"recovery: {(redeployed ? "deployed again" : "NOT DEPLOYED AGAIN")} ({(before == after ? "at the same addresses" : "at new addresses")}), ready {string.Join(", ", ready)}; "
            + $"a paid job then {done.Status}{(done.ErrorMessage is { } error ? $" ({error})" : "")}");
    }
}
