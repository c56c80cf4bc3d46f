using System.Globalization;

namespace Marketplace.Chaos;

/// <summary>The run's settings from its command line.</summary>
internal sealed class ChaosSettings
{
    public required string RepositoryRoot { get; init; }

    public string Project { get; init; } = "mpchaos";

    /// <summary>The stream's rate in jobs a second: at most this when <see cref="RateGiven"/> is false (the run then
    /// streams at a share of the capacity it measures first), exactly this when <c>--rate</c> gave it.</summary>
    public double Rate { get; init; } = 30;

    /// <summary>Whether <c>--rate</c> fixed the stream's rate (no capacity probe).</summary>
    public bool RateGiven { get; init; }

    public TimeSpan ReadBackTimeout { get; init; } = TimeSpan.FromMinutes(3);

    public bool KeepCluster { get; init; }

    /// <summary>Whether the run ends by restarting anvil and following the guide's recovery (on unless
    /// <c>--no-anvil-restart</c>).</summary>
    public bool AnvilRestart { get; init; } = true;

    /// <summary>Whether the run skips the cluster checks before the rounds (<c>--rounds-only</c>), to measure rounds
    /// again on a kept cluster.</summary>
    public bool RoundsOnly { get; init; }

    public IReadOnlyList<ChaosRound> Rounds { get; init; } = [ChaosRound.Steady(), ChaosRound.Kill(), ChaosRound.KillTwice(), ChaosRound.Rolling()];

    /// <summary>A tag for this run's request ids, so a kept cluster can run again.</summary>
    public string RunId { get; } = DateTimeOffset.UtcNow.ToString("HHmmss", CultureInfo.InvariantCulture);

    public const string Usage = """
        usage: Marketplace.Chaos [--project NAME] [--rate JOBS_PER_SECOND] [--rounds steady,kill,kill-twice,rolling,two-killed,postgres] [--no-anvil-restart] [--rounds-only] [--keep]
          Runs docker-compose.yml (images built beforehand: docker-compose build) under the project name
          (default mpchaos), streams counter jobs through 127.0.0.1:8080-8082 while silos are killed and restarted
          (at 70 % of the jobs a second the cluster completes in a probe before the rounds, at most 30; --rate fixes
          the rate and skips the probe),
          prints what the client saw and checks what is promised; then restarts anvil and follows the guide's recovery
          (unless --no-anvil-restart); tears the cluster down (down -v) unless --keep. --rounds-only skips the
          checks before the rounds (keys, dashboards, uploads, deals), to run rounds again on a kept cluster.
        """;

    public static ChaosSettings Parse(string[] args, string repositoryRoot)
    {
        string project = "mpchaos";
        double rate = 30;
        var rateGiven = false;
        var keep = false;
        var anvilRestart = true;
        var roundsOnly = false;
        IReadOnlyList<ChaosRound> rounds = [ChaosRound.Steady(), ChaosRound.Kill(), ChaosRound.KillTwice(), ChaosRound.Rolling()];
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--project":
                    project = Value();
                    break;
                case "--rate":
                    rate = double.Parse(Value(), NumberStyles.Float, CultureInfo.InvariantCulture);
                    rateGiven = true;
                    if (rate is <= 0 or > 500)
                    {
                        throw new ArgumentException("--rate: give 0 < jobs per second <= 500");
                    }

                    break;
                case "--rounds":
                    rounds = [.. Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(name => name switch
                    {
                        "steady" => ChaosRound.Steady(),
                        "kill" => ChaosRound.Kill(),
                        "kill-twice" => ChaosRound.KillTwice(),
                        "rolling" => ChaosRound.Rolling(),
                        "two-killed" => ChaosRound.TwoKilled(),
                        "postgres" => ChaosRound.Postgres(),
                        _ => throw new ArgumentException($"--rounds: unknown round '{name}' (steady, kill, kill-twice, rolling, two-killed, postgres)"),
                    })];
                    break;
                case "--keep":
                    keep = true;
                    break;
                case "--rounds-only":
                    roundsOnly = true;
                    break;
                case "--no-anvil-restart":
                    anvilRestart = false;
                    break;
                default:
                    throw new ArgumentException($"unknown argument '{args[i]}'");
            }
        }

        return new ChaosSettings { RepositoryRoot = repositoryRoot, Project = project, Rate = rate, RateGiven = rateGiven, KeepCluster = keep, Rounds = rounds, AnvilRestart = anvilRestart, RoundsOnly = roundsOnly };
    }
}
