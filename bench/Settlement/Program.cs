// Jobs settled per second and gas per settled job on a real anvil, in one run:
//   batched      the settlement grain as configured (BatchSize jobs per releaseBatch transaction)
//   batch of 1   the same grain with BatchSize = 1 (one releaseBatch per job)
//   release      the contract's single-job path: one Escrow.release per job from the settlement key
//   proof        released by anyone on its receipt: ReceiptRelease.setTermsWithSignature, then releaseByProof with a
//                receipt aggregated from 2 workers' signatures (ProofRelease.cs); never paid by the grain
// Every job is escrowed the same way first (not timed here). Settling is timed from the first PayAsync (or release,
// or claim) to the last receipt. Gas and transactions are read from the chain itself: every block mined during the
// phase.
//
//   dotnet run -c Release --project bench/Settlement [-- --jobs 1000 --batch-size 250]
//
// Needs anvil: MARKETPLACE_ANVIL, or `npm ci` in contracts/.
using System.Diagnostics;
using System.Globalization;
using System.Numerics;
using System.Text;
using Marketplace.Chain.Contracts;
using Marketplace.Chain.Development;
using Marketplace.Chain.Rpc;
using Marketplace.Chain.Sending;
using Marketplace.Crypto.Ethereum;
using Marketplace.GrainInterfaces;
using Marketplace.Grains.Hosting;
using Marketplace.Grains.Settlement;
using Marketplace.Persistence.Sqlite;
using Marketplace.Settlement.Bench;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

var jobs = Option(args, "--jobs", 1000);
var batchSize = Option(args, "--batch-size", 250);
const ulong EscrowPerJob = 1_000_000;
const ulong ChargePerJob = 600_000;
const string Client = "bench-client";

Console.WriteLine($"settlement benchmark: {jobs} jobs per mode, batch size {batchSize}, {Environment.ProcessorCount} cores, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
await using var anvil = await AnvilNode.StartAsync();
var key = await anvil.FundedKeyAsync(BigInteger.Pow(10, 24));
var deployment = await ChainDeployment.DeployAsync(anvil.Rpc, key, new ChainDeploymentRequest { MinimumStake = 1_000 });
var folder = Path.Combine(Path.GetTempPath(), "marketplace-settlement-bench", Guid.NewGuid().ToString("N"));
Directory.CreateDirectory(folder);
try
{
    var host = await StartSiloAsync(batchSize);
    var grains = host.Services.GetRequiredService<IGrainFactory>();
    var settlement = grains.GetGrain<ISettlement>(ISettlement.DefaultKey);
    string[] modes = ["batched", "single", "release", "proof"];
    await settlement.DepositAsync(Client, (UInt128)((ulong)modes.Length * (ulong)jobs * EscrowPerJob), "bench-funding");

    var escrowClock = Stopwatch.StartNew();
    foreach (var mode in modes)
    {
        for (var i = 0; i < jobs; i++)
        {
            await settlement.EscrowAsync(JobId(mode, i), Client, EscrowPerJob);
        }
    }

    var escrowed = modes.Length * jobs;
    Console.WriteLine($"escrowed {escrowed} jobs in {escrowClock.Elapsed.TotalSeconds:F1} s ({escrowed / escrowClock.Elapsed.TotalSeconds:F0} jobs/s, one deposit transaction each)");

    var batched = await MeasureAsync("batched", () => PayAllAsync(grains, "batched"));
    await host.StopAsync();
    host.Dispose();

    host = await StartSiloAsync(1);
    grains = host.Services.GetRequiredService<IGrainFactory>();
    var single = await MeasureAsync("batch of 1", () => PayAllAsync(grains, "single"));
    var payee = Address.Parse(await grains.GetGrain<IChainSettlementGrain>(ISettlement.DefaultKey).GetAddressAsync("w-0", worker: true));
    await host.StopAsync();
    host.Dispose();

    var nonces = new NonceManager(anvil.Rpc);
    var escrow = new ContractClient(anvil.Rpc, SettlementContracts.Escrow.Abi, deployment.Escrow,
        new TransactionSender(anvil.Rpc, key, nonces, new FeeEstimator(anvil.Rpc)));
    var release = await MeasureAsync("release", async () =>
    {
        for (var i = 0; i < jobs; i++)
        {
            await escrow.SendAsync("release", [Keccak256.Hash(Encoding.UTF8.GetBytes(JobId("release", i))), new[] { payee }, new[] { (BigInteger)ChargePerJob }]);
        }
    });

    // Workers registered, terms signed, receipts built, signed and aggregated before the timer starts.
    var committeeFeePercent = new ChainSettlementOptions().CommitteeFeePercent;
    var proofJobs = new string[jobs];
    for (var i = 0; i < jobs; i++)
    {
        proofJobs[i] = JobId("proof", i);
    }

    var proofRelease = await ProofRelease.PrepareAsync(anvil, deployment, key, nonces, Client, proofJobs, ChargePerJob, committeeFeePercent);
    var proof = await MeasureAsync("proof", proofRelease.ClaimAllAsync);
    await proofRelease.CheckPaidAsync(escrow, ChargePerJob, committeeFeePercent);
    Console.WriteLine($"proof: {proofRelease.TermsGas:N0} gas stating terms, {proofRelease.ReleaseGas:N0} gas releasing");

    Console.WriteLine();
    Console.WriteLine("| mode | jobs | transactions | gas per job | gas vs release | seconds | jobs/s | jobs/s vs release |");
    Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|");
    foreach (var row in new[] { batched, single, release })
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {row.Mode} | {jobs} | {row.Transactions} | {row.Gas / (ulong)jobs:N0} | {100.0 * row.Gas / release.Gas:F1} % | {row.Seconds:F2} | {jobs / row.Seconds:F0} | {release.Seconds / row.Seconds:F2}x |"));
    }

    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| proof | {jobs} | {proof.Transactions} | {proof.Gas / (ulong)jobs:N0} ({proofRelease.TermsGas / (ulong)jobs:N0} terms + {proofRelease.ReleaseGas / (ulong)jobs:N0} release) | {100.0 * proof.Gas / release.Gas:F1} % | {proof.Seconds:F2} | {jobs / proof.Seconds:F0} | {release.Seconds / proof.Seconds:F2}x |"));

    var goalTransactions = batched.Transactions <= (ulong)Math.Max(1, jobs / 100);
    var goalGas = batched.Gas * 10 <= release.Gas;
    Console.WriteLine();
    Console.WriteLine($"goal: {jobs} jobs in <= {Math.Max(1, jobs / 100)} transactions: {(goalTransactions ? "met" : "NOT met")} ({batched.Transactions}); gas per job <= 10 % of one release per job: {(goalGas ? "met" : "NOT met")} ({100.0 * batched.Gas / release.Gas:F1} %)");
    return goalTransactions && goalGas ? 0 : 1;
}
finally
{
    try
    {
        Directory.Delete(folder, recursive: true);
    }
    catch (IOException)
    {
        // A handle still open; the temporary folder is cleaned by the OS eventually.
    }
}

async Task PayAllAsync(IGrainFactory grains, string mode)
{
    var settlement = grains.GetGrain<ISettlement>(ISettlement.DefaultKey);
    for (var i = 0; i < jobs; i++)
    {
        await settlement.PayAsync(JobId(mode, i), new JobPayout { ExecutorId = "w-" + (i % 10).ToString(CultureInfo.InvariantCulture), Charge = ChargePerJob });
    }

    await grains.GetGrain<IChainSettlementGrain>(ISettlement.DefaultKey).FlushAsync();
}

async Task<Phase> MeasureAsync(string mode, Func<Task> settle)
{
    var first = await anvil.Rpc.GetBlockNumberAsync() + 1;
    var clock = Stopwatch.StartNew();
    await settle();
    clock.Stop();
    var last = await anvil.Rpc.GetBlockNumberAsync();
    ulong gas = 0;
    ulong transactions = 0;
    for (var number = first; number <= last; number++)
    {
        var block = await anvil.Rpc.GetBlockAsync(BlockTag.Number(number)) ?? throw new InvalidOperationException($"block {number} is missing");
        gas += block.GasUsed;
        transactions += (ulong)block.TransactionHashes.Count;
    }

    Console.WriteLine($"{mode}: {transactions} transactions, {gas:N0} gas, {clock.Elapsed.TotalSeconds:F2} s");
    return new Phase(mode, transactions, gas, clock.Elapsed.TotalSeconds);
}

async Task<IHost> StartSiloAsync(int size)
{
    const string S = ChainSettlementOptions.Section;
    var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
    builder.Logging.ClearProviders();
    builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["Marketplace:DataFolder"] = folder,
        [$"{S}:Enabled"] = "true",
        [$"{S}:RpcUrl"] = anvil.Url,
        [$"{S}:ChainId"] = "31337",
        [$"{S}:PrivateKey"] = Convert.ToHexStringLower(key.ToBytes()),
        [$"{S}:EscrowAddress"] = deployment.Escrow.ToString(),
        [$"{S}:StakingAddress"] = deployment.Staking.ToString(),
        [$"{S}:TokenAddress"] = deployment.Token.ToString(),
        [$"{S}:BatchSize"] = size.ToString(CultureInfo.InvariantCulture),
        [$"{S}:BatchInterval"] = "01:00:00",
    });
    builder.UseOrleans(silo =>
    {
        silo.UseLocalhostClustering(FreePort(), FreePort(), serviceId: "marketplace-settlement-bench");
        silo.AddMarketplaceStreams();
        silo.UseSqliteStorage($"Data Source={Path.Combine(folder, "marketplace.db")}");
        silo.AddMarketplace();
    });
    var host = builder.Build();
    await host.StartAsync();
    return host;
}

static string JobId(string mode, int i) => $"bench-{mode}-{i.ToString(CultureInfo.InvariantCulture)}";

static int FreePort()
{
    using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
    listener.Start();
    return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
}

static int Option(string[] args, string name, int fallback)
{
    var at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length && int.TryParse(args[at + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0 ? value : fallback;
}

internal sealed record Phase(string Mode, ulong Transactions, ulong Gas, double Seconds);
