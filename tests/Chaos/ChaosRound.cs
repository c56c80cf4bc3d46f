using System.Globalization;

namespace Marketplace.Chaos;

/// <summary>One round: the job stream runs, the fault strikes at <see cref="FaultAt"/>, the stream goes on for
/// <see cref="StreamAfterFault"/> after the fault began, then the cluster is made whole again.</summary>
internal sealed class ChaosRound
{
    public required string Name { get; init; }

    public required string Description { get; init; }

    public TimeSpan FaultAt { get; init; } = TimeSpan.FromSeconds(15);

    public TimeSpan StreamAfterFault { get; init; } = TimeSpan.FromSeconds(25);

    /// <summary>Looks done at <see cref="FaultAt"/>, before the fault's moment is taken (so "open at the fault" counts
    /// the jobs open when the fault itself strikes).</summary>
    public Func<ComposeCluster, TextWriter, Task>? Prepare { get; init; }

    public required Func<ComposeCluster, TextWriter, Task> Fault { get; init; }

    /// <summary>Whether the service goals (every submission accepted within two tries, no gap over 1 s, jobs open at
    /// the fault finished within 10 s) are checks of this round, not only printed: the baseline and the kill of one
    /// silo of three, the goals' own setting.</summary>
    public bool GoalsChecked { get; init; }

    /// <summary>Whether a fault strikes: without one (<see cref="Steady"/>) the jobs "open at the fault" are the backlog
    /// at the stream's end, how long they take is the machine's capacity, and that goal is printed only.</summary>
    public bool HasFault { get; init; } = true;

    /// <summary>Whether the round's fault is a graceful stop (SIGTERM), which no client may notice beyond a closed
    /// port.</summary>
    public bool StopsGracefully { get; init; }

    public required Func<ComposeCluster, TextWriter, Task> Restore { get; init; }

    /// <summary>The silos' shutdown timeout (<c>Marketplace:Host:ShutdownTimeout</c>, its default).</summary>
    private static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Checks the fault itself found (name, passed, detail), made after the round's own.</summary>
    public IReadOnlyList<(string Name, bool Passed, string Detail)> FaultChecks { get; init; } = [];

    /// <summary>No fault: the stream runs for 30 s on the whole cluster, the baseline the other rounds compare with.</summary>
    public static ChaosRound Steady() => new()
    {
        Name = "steady",
        Description = "no fault",
        GoalsChecked = true,
        HasFault = false,
        FaultAt = TimeSpan.FromSeconds(30),
        StreamAfterFault = TimeSpan.Zero,
        Fault = (_, _) => Task.CompletedTask,
        Restore = (_, _) => Task.CompletedTask,
    };

    /// <summary><c>docker kill</c> (SIGKILL: its address goes silent, as a dead host's does) of the silo that hosts the
    /// settlement grain, the one grain every paid submission passes through (silo3 when the directory does not name
    /// it); started again after the stream.</summary>
    public static ChaosRound Kill()
    {
        var victim = "silo3";
        return new()
        {
            Name = "kill",
            Description = "docker kill of the silo hosting the settlement grain",
            GoalsChecked = true,
            Prepare = async (cluster, log) => victim = await SettlementSiloAsync(cluster, log) ?? victim,
            Fault = async (cluster, log) =>
            {
                await cluster.RunAsync($"kill {victim}", TimeSpan.FromMinutes(1));
                log.WriteLine($"[chaos]   {victim} killed");
            },
            Restore = (cluster, log) => StartAgainAsync(cluster, log, victim),
        };
    }

    /// <summary><c>docker kill</c> of the silo hosting the settlement grain, started again, and killed again as soon as
    /// it is ready (grains moving back to it, its workers registering); started again after the stream. Its service
    /// goals are printed, not checked: a submission whose job grain the restarted silo had just placed waits for the
    /// second declaration, which can outlast the client's try.</summary>
    public static ChaosRound KillTwice()
    {
        var victim = "silo3";
        return new()
        {
            Name = "kill-twice",
            Description = "docker kill of the silo hosting the settlement grain, again as soon as it is back",
            StreamAfterFault = TimeSpan.FromSeconds(40),
            Prepare = async (cluster, log) => victim = await SettlementSiloAsync(cluster, log) ?? victim,
            Fault = async (cluster, log) =>
            {
                await cluster.RunAsync($"kill {victim}", TimeSpan.FromMinutes(1));
                log.WriteLine($"[chaos]   {victim} killed");
                await cluster.RunAsync($"start {victim}", TimeSpan.FromMinutes(2));
                var took = await cluster.WaitReadyAsync(victim, TimeSpan.FromMinutes(5));
                await cluster.RunAsync($"kill {victim}", TimeSpan.FromMinutes(1));
                log.WriteLine($"[chaos]   {victim} ready again {took.TotalSeconds:0.0} s after its start, and killed again");
            },
            Restore = (cluster, log) => StartAgainAsync(cluster, log, victim),
        };
    }

    /// <summary>Starts a killed <paramref name="victim"/> again and waits until it is ready.</summary>
    private static async Task StartAgainAsync(ComposeCluster cluster, TextWriter log, string victim)
    {
        await cluster.RunAsync($"start {victim}", TimeSpan.FromMinutes(2));
        var took = await cluster.WaitReadyAsync(victim, TimeSpan.FromMinutes(5));
        log.WriteLine($"[chaos]   {victim} started again, ready after {took.TotalSeconds:0.0} s");
    }

    /// <summary>Prints where the grains every submission of the stream passes through live (the grain directory is a
    /// table of the cluster's database) and returns the service hosting the settlement grain, if a silo does.</summary>
    private static async Task<string?> SettlementSiloAsync(ComposeCluster cluster, TextWriter log)
    {
        var hosts = await cluster.RunAsync(
            "exec -T -e PGPASSWORD=marketplace postgres psql -U marketplace -d marketplace -At -c "
            + "\"SELECT GrainId, SiloAddress FROM OrleansGrainDirectory WHERE GrainId IN ('clientjobs/dev', 'settlement/default', 'clientratebudget/dev') ORDER BY 1\"",
            TimeSpan.FromSeconds(30), check: false);
        string? settlement = null;
        foreach (var line in hosts.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var service = ServiceAt(line);
            log.WriteLine($"[chaos]   at the kill: {line} ({service ?? "not a silo of the cluster"})");
            if (line.StartsWith("settlement/default|", StringComparison.Ordinal) && service is not null)
            {
                settlement = service;
            }
        }

        return settlement;
    }

    /// <summary>The compose service of a directory row "grain|172.28.0.1N:port@generation": siloN.</summary>
    internal static string? ServiceAt(string row)
    {
        var address = row[(row.IndexOf('|', StringComparison.Ordinal) + 1)..];
        var host = address.Split(':')[0];
        return host is ['1', '7', '2', '.', '2', '8', '.', '0', '.', '1', var n] && n is >= '1' and <= '3' ? $"silo{n}" : null;
    }

    /// <summary>A rolling upgrade: each silo in turn stopped (SIGTERM, as <c>docker stop</c> does) and started again,
    /// the next one only once the previous is ready. Its goals are a graceful stop's (every stop drained and exited 0,
    /// no job failed or lost, no 5xx or unanswered try); the kill's goals are printed. At 30 jobs/s the steady stream
    /// alone keeps a 2-core host's CPUs about 95 % busy, so with a silo draining and the next starting the cluster
    /// carries less than the stream, and the client's quota of unfinished jobs answers <c>429</c> until the backlog
    /// drains; at two thirds of that rate (<c>--rate 20</c>) the roll meets the kill's goals too.</summary>
    public static ChaosRound Rolling()
    {
        var checks = new List<(string Name, bool Passed, string Detail)>();
        return new ChaosRound
        {
            Name = "rolling",
            Description = "docker stop and start of silo1, silo2 and silo3 in turn",
            StopsGracefully = true,
            FaultAt = TimeSpan.FromSeconds(10),
            StreamAfterFault = TimeSpan.Zero,
            FaultChecks = checks,
            Fault = async (cluster, log) =>
            {
                var exits = new List<string>();
                var allZero = true;
                foreach (var (service, _) in ComposeCluster.Silos)
                {
                    var watch = System.Diagnostics.Stopwatch.StartNew();
                    await cluster.RunAsync($"stop {service}", TimeSpan.FromMinutes(2));
                    var stopped = watch.Elapsed;
                    var exit = await cluster.ExitCodeAsync(service);
                    allZero &= exit == 0 && stopped < ShutdownTimeout;
                    var code = exit?.ToString(CultureInfo.InvariantCulture) ?? "unknown";
                    exits.Add($"{service} exited {code} after {stopped.TotalSeconds:0.0} s");
                    await cluster.RunAsync($"start {service}", TimeSpan.FromMinutes(2));
                    var ready = await cluster.WaitReadyAsync(service, TimeSpan.FromMinutes(5));
                    log.WriteLine($"[chaos]   {service} stopped in {stopped.TotalSeconds:0.0} s (exit {code}), ready again {ready.TotalSeconds:0.0} s after its start");
                }

                checks.Add(("every stopped silo drained and exited 0 within its shutdown timeout", allZero, string.Join(", ", exits)));
                await Task.Delay(TimeSpan.FromSeconds(10));
            },
            Restore = (_, _) => Task.CompletedTask,
        };
    }

    /// <summary><c>docker kill</c> of silo2 and silo3 together: one silo of three is left, which may refuse work but
    /// must say so and lose nothing; both are started again after the stream.</summary>
    public static ChaosRound TwoKilled() => new()
    {
        Name = "two-killed",
        Description = "docker kill of silo2 and silo3",
        Fault = async (cluster, log) =>
        {
            await cluster.RunAsync("kill silo2 silo3", TimeSpan.FromMinutes(1));
            log.WriteLine("[chaos]   silo2 and silo3 killed");
        },
        Restore = async (cluster, log) =>
        {
            await cluster.RunAsync("start silo2 silo3", TimeSpan.FromMinutes(2));
            foreach (var service in new[] { "silo2", "silo3" })
            {
                var took = await cluster.WaitReadyAsync(service, TimeSpan.FromMinutes(5));
                log.WriteLine($"[chaos]   {service} started again, ready after {took.TotalSeconds:0.0} s");
            }
        },
    };

    /// <summary>PostgreSQL killed (SIGKILL, as a crashed database host) and started again 5 s later, under the stream:
    /// membership, grain state and reminders are away meanwhile; it recovers from its write-ahead log.</summary>
    public static ChaosRound Postgres() => new()
    {
        Name = "postgres",
        Description = "docker kill of postgres, started again 5 s later",
        Fault = async (cluster, log) =>
        {
            await cluster.RunAsync("kill postgres", TimeSpan.FromMinutes(1));
            log.WriteLine("[chaos]   postgres killed");
            await Task.Delay(TimeSpan.FromSeconds(5));
            await cluster.RunAsync("start postgres", TimeSpan.FromMinutes(2));
            log.WriteLine("[chaos]   postgres started again");
        },
        Restore = async (cluster, log) =>
        {
            foreach (var (service, _) in ComposeCluster.Silos)
            {
                var took = await cluster.WaitReadyAsync(service, TimeSpan.FromMinutes(5));
                log.WriteLine($"[chaos]   {service} ready {took.TotalSeconds:0.0} s after the stream ended");
            }
        },
    };
}
