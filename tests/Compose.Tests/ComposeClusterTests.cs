using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Numerics;
using System.Text;
using System.Text.Json;
using Marketplace.Chain.Rpc;
using Marketplace.Crypto.Ethereum;
using Marketplace.GrainInterfaces;
using Marketplace.GrainInterfaces.Json;
using Marketplace.Grains.Settlement;
using Marketplace.Sdk;
using Marketplace.TestSupport;
using Xunit;
using Xunit.Abstractions;

namespace Marketplace.Compose.Tests;

/// <summary>docker-compose.yml as local processes (ComposeTranslation): the schema and deploy one-shots, anvil, three
/// silos on one PostgreSQL database; a paid job through one silo's HTTP API, and its payment read from anvil.</summary>
public sealed class ComposeClusterTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Bound = LocalComposeCluster.Bound;

    [ComposeFact]
    public async Task The_compose_services_run_locally_complete_a_paid_job_through_one_silo_and_settle_it_on_the_chain()
    {
        var watch = Stopwatch.StartNew();
        await using var cluster = await LocalComposeCluster.StartAsync(output.WriteLine);
        var silos = cluster.Plan.Services.Where(s => s.Kind == LocalKind.Silo && !s.Arguments.Contains("--apply-schema")).ToList();
        Assert.Equal(3, silos.Count);

        // One gateway: the first silo whose HTTP port compose publishes (silo1, host port 8080), with the cluster's
        // development key (client "dev", the operator in the compose file): one file on the volume every silo mounts.
        var gateway = silos.First(s => s.Service.Ports.Any(p => s.Ports[p.ContainerPort] == new Uri(s.Environment["Marketplace__Http__Urls"]).Port));
        var baseAddress = new Uri(gateway.Environment["Marketplace__Http__Urls"] + "/");
        var keyFile = gateway.Environment["Marketplace__Api__DevKeyFile"];
        Assert.All(silos, s => Assert.Equal(keyFile, s.Environment["Marketplace__Api__DevKeyFile"]));
        var key = (await File.ReadAllTextAsync(keyFile)).Trim();
        foreach (var silo in silos)
        {
            using var probe = new HttpClient { BaseAddress = new Uri(silo.Environment["Marketplace__Http__Urls"] + "/"), Timeout = TimeSpan.FromSeconds(60) };
            probe.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
            using var answer = await probe.GetAsync(new Uri("v1/client", UriKind.Relative));
            Assert.True(answer.IsSuccessStatusCode, $"{silo.Name} answered {(int)answer.StatusCode} to the cluster's key");
        }

        using var http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        output.WriteLine($"[compose] {watch.Elapsed.TotalSeconds,6:0.0} s  driving {gateway.Name} at {baseAddress}");

        // Every silo's workers registered with the cluster, under the ids the compose file gives them.
        var expected = silos.SelectMany(s => new[] { 1, 2 }.Select(i => s.Environment["Marketplace__Jobs__DefaultWorkerPrefix"] + i)).Order().ToList();
        var seen = new List<string>();
        await Until(async () =>
        {
            using var page = JsonDocument.Parse(await http.GetStringAsync(new Uri("v1/workers?limit=100", UriKind.Relative)));
            seen = [.. page.RootElement.GetProperty("workers").EnumerateArray().Select(w => w.GetProperty("worker_id").GetString()!).Order()];
            return expected.All(seen.Contains);
        }, () => $"the workers of the three silos ({string.Join(", ", expected)}) registered; seen {string.Join(", ", seen)}");

        // The operator bonds each worker's minimum stake and deposits money for its own client.
        foreach (var worker in expected)
        {
            var stake = (await http.GetFromJsonAsync<WorkerStake>($"v1/workers/{worker}/stake", MarketplaceJson.Options))!;
            await PostOkAsync(http, $"v1/workers/{worker}/stake", $"{{\"amount\": {stake.MinimumStake}, \"operation_id\": \"bond-{worker}\"}}");
        }

        await PostOkAsync(http, "v1/client/deposits", "{\"client_id\": \"dev\", \"amount\": 30000000, \"deposit_id\": \"compose-1\"}");
        output.WriteLine($"[compose] {watch.Elapsed.TotalSeconds,6:0.0} s  {expected.Count} workers bonded, client dev funded");

        var sdk = new HttpMarketplaceClient(baseAddress, key);
        var wasm = await File.ReadAllBytesAsync(Path.Combine(SharedData.RepositoryRoot, "programs", "echo", "echo.wasm"));
        var manifest = new ProgramManifest { Name = "echo-compose", Version = "1.0.0", Salt = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()) };
        var program = await sdk.DeployProgramAsync(ProgramDeployments.Create(wasm, manifest, Secp256k1PrivateKey.Generate().ToBytes()));
        var job = await sdk.SubmitJobAsync(new JobSubmission
        {
            Program = program.Id,
            InputInline = Encoding.UTF8.GetBytes("hello compose"),
            MaxFuel = 10_000_000,
            MaxPricePerMillionFuel = 2,
            RequestId = "compose-1",
        });
        var done = await sdk.WaitForJobAsync(job.JobId, Bound);
        Assert.True(done.Status == JobStatus.Completed, $"job {job.JobId} ended {done.Status} ({done.FailureReason})");
        output.WriteLine($"[compose] {watch.Elapsed.TotalSeconds,6:0.0} s  job {job.JobId} completed on {done.WorkerId}");

        JobSettlement? settlement = null;
        await Until(async () =>
        {
            var view = (await http.GetFromJsonAsync<JobSettlementView>($"v1/jobs/{job.JobId}/settlement", MarketplaceJson.Options))!;
            settlement = view.Escrow?.Settlement;
            return settlement is not null;
        }, () => $"job {job.JobId} settled");
        Assert.Equal(SettlementOutcome.Paid, settlement!.Outcome);
        Assert.True(settlement.Charged > 0 && settlement.ExecutorAmount > 0);

        // On anvil: once the settlement's batch is mined, the Escrow owes the executor, each committee member and the
        // client exactly their amounts, and nothing else (the only job on this chain).
        var chainSettings = gateway.Arguments[gateway.Arguments.IndexOf("--config") + 1];
        var rpcUrl = new Uri(gateway.Arguments[gateway.Arguments.IndexOf("--chain") + 1]);
        using var settings = JsonDocument.Parse(await File.ReadAllTextAsync(chainSettings));
        var chain = settings.RootElement.GetProperty("Marketplace").GetProperty("Settlement").GetProperty("Chain");
        var escrow = Address.Parse(chain.GetProperty("EscrowAddress").GetString()!);
        var accounts = new CustodialAccounts(SettlementKeyLoader.Load(new ChainSettlementOptions { PrivateKeyFile = chain.GetProperty("PrivateKeyFile").GetString()! }));
        using var rpcHttp = new HttpClient();
        var rpc = new EvmRpcClient(rpcHttp, new EvmRpcClientOptions { Endpoint = rpcUrl, RequestTimeout = TimeSpan.FromSeconds(30) });
        var owed = new Dictionary<Address, BigInteger> { [accounts.AddressOf(AccountRole.Worker, settlement.ExecutorId)] = (BigInteger)settlement.ExecutorAmount };
        foreach (var share in settlement.CommitteeShares)
        {
            var member = accounts.AddressOf(AccountRole.Worker, share.WorkerId);
            owed[member] = owed.GetValueOrDefault(member) + (BigInteger)share.Amount;
        }

        var client = accounts.AddressOf(AccountRole.Client, "dev");
        owed[client] = owed.GetValueOrDefault(client) + (BigInteger)settlement.Refunded;
        var executor = accounts.AddressOf(AccountRole.Worker, settlement.ExecutorId);
        var claimable = BigInteger.Zero;
        await Until(async () =>
        {
            claimable = await ViewAsync(rpc, escrow, "claimable", executor);
            return claimable == (BigInteger)settlement.ExecutorAmount;
        }, () => $"the Escrow owes executor {settlement.ExecutorId} ({executor}) {settlement.ExecutorAmount}; it owes {claimable}");
        foreach (var (account, amount) in owed)
        {
            Assert.Equal(amount, await ViewAsync(rpc, escrow, "claimable", account));
        }

        Assert.Equal((BigInteger)settlement.Escrowed, await ViewAsync(rpc, escrow, "totalClaimable"));
        output.WriteLine($"[compose] {watch.Elapsed.TotalSeconds,6:0.0} s  settled on the chain: executor {settlement.ExecutorId} {settlement.ExecutorAmount}, "
            + $"committee {settlement.CommitteeShares.Count}, refunded {settlement.Refunded} of {settlement.Escrowed}");

        // The storage market out of the box: two default providers per silo, so a default 4+2 deal places two
        // fragments on each silo and reads back.
        var content = Encoding.UTF8.GetBytes("stored on the compose cluster " + Guid.NewGuid());
        using var created = await http.PostAsync(new Uri("v1/deals?preset=dev", UriKind.Relative), new ByteArrayContent(content));
        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var deal = (await created.Content.ReadFromJsonAsync<DealStatus>(MarketplaceJson.Options))!;
        var perSilo = deal.Fragments.GroupBy(f => f.ProviderId[..f.ProviderId.IndexOf("-p", StringComparison.Ordinal)]).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(new Dictionary<string, int> { ["silo1"] = 2, ["silo2"] = 2, ["silo3"] = 2 }, perSilo);
        Assert.Equal(content, await http.GetByteArrayAsync(new Uri($"v1/deals/{deal.DealId}/content", UriKind.Relative)));
        output.WriteLine($"[compose] {watch.Elapsed.TotalSeconds,6:0.0} s  deal {deal.DealId} placed on {string.Join(", ", deal.Fragments.Select(f => f.ProviderId))}");
    }

    private static async Task PostOkAsync(HttpClient http, string path, string json)
    {
        using var response = await http.PostAsync(new Uri(path, UriKind.Relative), new StringContent(json, Encoding.UTF8, "application/json"));
        Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Created,
            $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    private static async Task<BigInteger> ViewAsync(EvmRpcClient rpc, Address contract, string function, params object?[] arguments)
    {
        var abi = SettlementContracts.Escrow.Abi.GetFunction(function);
        return (BigInteger)abi.DecodeOutput(await rpc.CallAsync(new CallRequest { To = contract, Data = abi.EncodeCall(arguments) }))[0]!;
    }

    private static async Task Until(Func<Task<bool>> condition, Func<string> what)
    {
        var watch = Stopwatch.StartNew();
        while (!await condition())
        {
            if (watch.Elapsed > Bound)
            {
                throw new TimeoutException($"not within {Bound.TotalSeconds:0} s: {what()}");
            }

            await Task.Delay(250);
        }
    }
}
