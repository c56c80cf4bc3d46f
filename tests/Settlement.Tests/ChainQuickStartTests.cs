using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Numerics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Marketplace.Chain.Development;
using Marketplace.Chain.Rpc;
using Marketplace.Crypto.Ethereum;
using Marketplace.GrainInterfaces;
using Marketplace.GrainInterfaces.Json;
using Marketplace.Grains.Settlement;
using Marketplace.Sdk;
using Marketplace.Silo;
using Marketplace.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit;
using Xunit.Abstractions;

namespace Marketplace.Settlement.Tests;

/// <summary>The README's chain quick start, as a user runs it: anvil, <c>marketplace chain deploy</c>, the silo with
/// <c>--config chain.json --chain URL</c>, money and a job over HTTP, and the payment read back from the chain.</summary>
public sealed class ChainQuickStartTests(ITestOutputHelper output)
{
    internal const string AliceKey = "test-key-alice-0123456789abcdef";
    internal const string OperatorKey = "test-key-operator-0123456789ab";

    [AnvilFact]
    public async Task A_job_submitted_over_http_to_a_silo_started_with_the_chain_switch_is_paid_on_the_chain_to_the_unit()
    {
        await using var anvil = await AnvilNode.StartAsync();
        var folder = Path.Combine(Path.GetTempPath(), "marketplace-quickstart-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var keyFile = Path.Combine(folder, "settlement.key");
        var settingsFile = Path.Combine(folder, "chain.json");

        var deploy = await RunCliAsync("chain", "deploy", "--rpc", anvil.Url, "--key-file", keyFile, "--new-key", "--fund-dev",
            "--minimum-stake", "1000", "--out", settingsFile, "--json");
        Assert.True(deploy.Exit == 0, deploy.Error);
        using var deployed = JsonDocument.Parse(deploy.Output);
        var escrow = Address.Parse(deployed.RootElement.GetProperty("escrow").GetString()!);
        var token = Address.Parse(deployed.RootElement.GetProperty("token").GetString()!);
        using (var written = JsonDocument.Parse(await File.ReadAllTextAsync(settingsFile)))
        {
            var chain = written.RootElement.GetProperty("Marketplace").GetProperty("Settlement").GetProperty("Chain");
            Assert.Equal(escrow.ToChecksumString(), chain.GetProperty("EscrowAddress").GetString());
            Assert.Equal(keyFile, chain.GetProperty("PrivateKeyFile").GetString());
            Assert.Equal(31337, chain.GetProperty("ChainId").GetInt64());

            // The ReceiptRelease contract is deployed beside them and may release the Escrow's jobs on proof.
            var release = Address.Parse(deployed.RootElement.GetProperty("receipt_release").GetString()!);
            Assert.Equal(release.ToChecksumString(), chain.GetProperty("ReceiptReleaseAddress").GetString());
            var escrowContract = new Chain.Contracts.ContractClient(anvil.Rpc, SettlementContracts.Escrow.Abi, escrow);
            var settlerRole = (byte[])(await escrowContract.CallAsync("SETTLER_ROLE", []))[0]!;
            Assert.True((bool)(await escrowContract.CallAsync("hasRole", [settlerRole, release]))[0]!);
            var releaseContract = new Chain.Contracts.ContractClient(anvil.Rpc, SettlementContracts.ReceiptRelease.Abi, release);
            Assert.Equal(escrow, (Address)(await releaseContract.CallAsync("escrow", []))[0]!);
            Assert.Equal(Address.Parse(chain.GetProperty("StakingAddress").GetString()!), (Address)(await releaseContract.CallAsync("staking", []))[0]!);
        }

        // The key file holds the key in hex, and nobody else may read it.
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyFile));
        }

        var builder = SiloBuilder(settingsFile, anvil.Url, folder);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Marketplace:Jobs:DefaultCommitteeSize"] = "0",
            ["Marketplace:Api:Keys:" + OperatorKey] = "ops",
            ["Marketplace:Api:Operators:0"] = "ops",
            // Settled jobs wait for FlushAsync below, not for a timer.
            ["Marketplace:Settlement:Chain:BatchInterval"] = "01:00:00",
        });
        await using var app = MarketplaceSiloHost.Build(builder);
        await app.StartAsync();
        var baseAddress = new Uri(MarketplaceSiloHost.GetHttpAddresses(app)[0].AbsoluteUri.TrimEnd('/') + "/");
        using var alice = Http(baseAddress, AliceKey);
        using var operatorClient = Http(baseAddress, OperatorKey);
        var grains = app.Services.GetRequiredService<IGrainFactory>();
        var status = await grains.GetGrain<IChainSettlementGrain>(ISettlement.DefaultKey).GetChainStatusAsync();
        Assert.Equal(deployed.RootElement.GetProperty("settlement").GetString(), status.SettlementAddress);
        output.WriteLine($"settling from {status.SettlementAddress} through the Escrow at {escrow}");

        var (_, job) = await FundStakeAndRunEchoAsync(baseAddress, operatorClient, "quickstart-1");

        var settlement = await WaitSettledAsync(alice, job.JobId);
        Assert.Equal(SettlementOutcome.Paid, settlement.Outcome);
        Assert.Equal((UInt128)20_000_000, settlement.Escrowed);
        Assert.True(settlement.Charged > 0);
        await grains.GetGrain<IChainSettlementGrain>(ISettlement.DefaultKey).FlushAsync();
        status = await grains.GetGrain<IChainSettlementGrain>(ISettlement.DefaultKey).GetChainStatusAsync();
        Assert.Equal(0, status.QueuedJobs);
        Assert.Equal(1, status.BatchesSent);

        // On the chain: the executor's account may claim exactly its payout, the client's exactly the rest, and the
        // Escrow holds exactly those two amounts.
        var custody = grains.GetGrain<IChainSettlementGrain>(ISettlement.DefaultKey);
        var executor = Address.Parse(await custody.GetAddressAsync(settlement.ExecutorId, worker: true));
        var client = Address.Parse(await custody.GetAddressAsync("alice", worker: false));
        var executorClaim = await ViewAsync(anvil.Rpc, escrow, SettlementContracts.Escrow, "claimable", executor);
        var clientClaim = await ViewAsync(anvil.Rpc, escrow, SettlementContracts.Escrow, "claimable", client);
        Assert.Equal((BigInteger)settlement.ExecutorAmount, executorClaim);
        Assert.Equal((BigInteger)settlement.Refunded, clientClaim);
        Assert.Equal((BigInteger)settlement.Escrowed, executorClaim + clientClaim);
        Assert.Equal(executorClaim + clientClaim, await ViewAsync(anvil.Rpc, token, SettlementContracts.MarketToken, "balanceOf", escrow));

        // The HTTP balance reads the chain: the client has its deposit less the charge, nothing escrowed.
        var balance = (await alice.GetFromJsonAsync<ClientBalance>("v1/client/balance", MarketplaceJson.Options))!;
        Assert.Equal((UInt128)30_000_000 - settlement.Charged, balance.Available);
        Assert.Equal(UInt128.Zero, balance.Escrowed);
        var stake = (await operatorClient.GetFromJsonAsync<WorkerStake>($"v1/workers/{settlement.ExecutorId}/stake", MarketplaceJson.Options))!;
        Assert.Equal(settlement.ExecutorAmount, stake.Earnings);
        await app.StopAsync();
    }

    [AnvilFact]
    public async Task Chain_deploy_refuses_a_wrong_chain_a_missing_key_a_bad_url_an_existing_settings_file_and_a_dead_node()
    {
        await using var anvil = await AnvilNode.StartAsync();
        var folder = Path.Combine(Path.GetTempPath(), "marketplace-quickstart-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var keyFile = Path.Combine(folder, "settlement.key");
        var settings = Path.Combine(folder, "chain.json");

        var missingKey = await RunCliAsync("chain", "deploy", "--rpc", anvil.Url, "--key-file", keyFile, "--out", settings);
        Assert.Equal(1, missingKey.Exit);
        Assert.Contains("--new-key", missingKey.Error, StringComparison.Ordinal);

        var badUrl = await RunCliAsync("chain", "deploy", "--rpc", "ftp://example", "--key-file", keyFile, "--new-key", "--out", settings);
        Assert.Equal(1, badUrl.Exit);
        Assert.Contains("--rpc", badUrl.Error, StringComparison.Ordinal);

        var wrongChain = await RunCliAsync("chain", "deploy", "--rpc", anvil.Url, "--key-file", keyFile, "--new-key", "--fund-dev", "--chain-id", "1", "--out", settings);
        Assert.Equal(3, wrongChain.Exit);
        Assert.Contains("error chain_id_mismatch", wrongChain.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(settings));

        // A key file that is not a key: typed, and names the file, never its content.
        var junkKey = Path.Combine(folder, "junk.key");
        await File.WriteAllTextAsync(junkKey, "not-hex-secret-words");
        var junk = await RunCliAsync("chain", "deploy", "--rpc", anvil.Url, "--key-file", junkKey, "--out", settings);
        Assert.Equal(1, junk.Exit);
        Assert.Contains("error invalid_key", junk.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-words", junk.Error, StringComparison.Ordinal);

        // An account without gas money: the node's refusal is a typed chain error, not a stack trace.
        var broke = await RunCliAsync("chain", "deploy", "--rpc", anvil.Url, "--key-file", Path.Combine(folder, "broke.key"), "--new-key", "--out", settings);
        Assert.Equal(3, broke.Exit);
        Assert.StartsWith("error chain_", broke.Error, StringComparison.Ordinal);

        var first = await RunCliAsync("chain", "deploy", "--rpc", anvil.Url, "--key-file", keyFile, "--fund-dev", "--out", settings);
        Assert.True(first.Exit == 0, first.Error);
        var again = await RunCliAsync("chain", "deploy", "--rpc", anvil.Url, "--key-file", keyFile, "--out", settings);
        Assert.Equal(1, again.Exit);
        Assert.Contains("--force", again.Error, StringComparison.Ordinal);
        Assert.Contains("--keep-deployed", again.Error, StringComparison.Ordinal);

        await anvil.StopAsync();
        var dead = await RunCliAsync("chain", "deploy", "--rpc", anvil.Url, "--key-file", keyFile, "--out", Path.Combine(folder, "other.json"));
        Assert.Equal(5, dead.Exit);
        Assert.Contains("error chain_unreachable", dead.Error, StringComparison.Ordinal);
    }

    [AnvilFact]
    public async Task Chain_deploy_keep_deployed_keeps_a_live_deployment_and_deploys_anew_only_on_a_chain_that_lost_it()
    {
        await using var anvil = await AnvilNode.StartAsync();
        var folder = Path.Combine(Path.GetTempPath(), "marketplace-quickstart-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var keyFile = Path.Combine(folder, "settlement.key");
        var settings = Path.Combine(folder, "chain.json");
        string[] Deploy(params string[] extra) =>
            ["chain", "deploy", "--rpc", anvil.Url, "--key-file", keyFile, "--new-key", "--fund-dev", "--out", settings, .. extra];

        // The first run deploys (nothing to keep), as docker-compose's deploy service does on a new volume.
        var first = await RunCliAsync(Deploy("--keep-deployed"));
        Assert.True(first.Exit == 0, first.Error);
        Assert.StartsWith("deployed on chain 31337", first.Output, StringComparison.Ordinal);
        var written = await File.ReadAllTextAsync(settings);
        var blockBefore = await anvil.Rpc.GetBlockNumberAsync();

        // Every later run keeps the file and sends nothing while the chain has the contracts, across a node restart.
        for (var run = 0; run < 2; run++)
        {
            var kept = await RunCliAsync(Deploy("--keep-deployed", "--json"));
            Assert.True(kept.Exit == 0, kept.Error);
            using var json = JsonDocument.Parse(kept.Output);
            Assert.True(json.RootElement.GetProperty("kept").GetBoolean());
            Assert.Equal(written, await File.ReadAllTextAsync(settings));
            Assert.Equal(blockBefore, await anvil.Rpc.GetBlockNumberAsync());
            await anvil.RestartAsync();
        }

        // A file written before release on proof existed (no ReceiptReleaseAddress) is kept as it is, and says how to
        // get the contract; a ReceiptRelease address with no code on the chain is a lost deployment.
        var withoutRelease = JsonNode.Parse(written)!;
        withoutRelease["Marketplace"]!["Settlement"]!["Chain"]!.AsObject().Remove("ReceiptReleaseAddress");
        await File.WriteAllTextAsync(settings, withoutRelease.ToJsonString());
        var older = await RunCliAsync(Deploy("--keep-deployed"));
        Assert.True(older.Exit == 0, older.Error);
        Assert.Contains("receipt release  none", older.Output, StringComparison.Ordinal);
        Assert.Equal(blockBefore, await anvil.Rpc.GetBlockNumberAsync());
        var noCode = JsonNode.Parse(written)!;
        noCode["Marketplace"]!["Settlement"]!["Chain"]!["ReceiptReleaseAddress"] = "0x00000000000000000000000000000000000000a1";
        await File.WriteAllTextAsync(settings, noCode.ToJsonString());
        var lost = await RunCliAsync(Deploy("--keep-deployed"));
        Assert.True(lost.Exit == 0, lost.Error);
        Assert.Contains("does not have (receipt release 0x", lost.Error, StringComparison.Ordinal);
        written = await File.ReadAllTextAsync(settings);

        // A chain that lost its state (anvil's container recreated): deployed anew, the reason said on stderr.
        await anvil.StopAsync();
        await using var fresh = await AnvilNode.StartAsync();
        var redeployed = await RunCliAsync(["chain", "deploy", "--rpc", fresh.Url, "--key-file", keyFile, "--fund-dev", "--out", settings, "--keep-deployed"]);
        Assert.True(redeployed.Exit == 0, redeployed.Error);
        Assert.Contains("does not have (token 0x", redeployed.Error, StringComparison.Ordinal);
        Assert.Contains("deploying anew", redeployed.Error, StringComparison.Ordinal);
        Assert.NotEqual(written, await File.ReadAllTextAsync(settings));

        // Contradictory switches, a settings file of another chain, and a file that is not settings: typed refusals.
        var both = await RunCliAsync(["chain", "deploy", "--rpc", fresh.Url, "--key-file", keyFile, "--out", settings, "--keep-deployed", "--force"]);
        Assert.Equal(1, both.Exit);
        Assert.Contains("contradict", both.Error, StringComparison.Ordinal);
        await using var other = await AnvilNode.StartAsync(chainId: 4242);
        var otherChain = await RunCliAsync(["chain", "deploy", "--rpc", other.Url, "--key-file", keyFile, "--out", settings, "--keep-deployed"]);
        Assert.Equal(3, otherChain.Exit);
        Assert.Contains("error chain_id_mismatch", otherChain.Error, StringComparison.Ordinal);
        var junk = Path.Combine(folder, "junk.json");
        await File.WriteAllTextAsync(junk, "{\"Marketplace\": 7}");
        var notSettings = await RunCliAsync(["chain", "deploy", "--rpc", fresh.Url, "--key-file", keyFile, "--out", junk, "--keep-deployed"]);
        Assert.Equal(1, notSettings.Exit);
        Assert.Contains("error invalid_settings", notSettings.Error, StringComparison.Ordinal);
        Assert.Equal("{\"Marketplace\": 7}", await File.ReadAllTextAsync(junk));
    }

    [AnvilFact]
    public async Task A_silo_whose_settings_name_contracts_the_chain_lacks_refuses_to_start_naming_the_fix()
    {
        var folder = Path.Combine(Path.GetTempPath(), "marketplace-quickstart-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var settingsFile = Path.Combine(folder, "chain.json");
        await using (var deployedOn = await AnvilNode.StartAsync())
        {
            var deploy = await RunCliAsync("chain", "deploy", "--rpc", deployedOn.Url, "--key-file", Path.Combine(folder, "settlement.key"),
                "--new-key", "--fund-dev", "--out", settingsFile);
            Assert.True(deploy.Exit == 0, deploy.Error);
        }

        // The same chain id, restarted without its state: the settings' addresses hold no code.
        await using var reset = await AnvilNode.StartAsync();
        var builder = SiloBuilder(settingsFile, reset.Url, folder);
        await using var app = MarketplaceSiloHost.Build(builder);
        var refused = await Assert.ThrowsAnyAsync<Exception>(() => app.StartAsync());
        var missing = refused as ChainDeploymentMissingException ?? refused.InnerException as ChainDeploymentMissingException
            ?? throw new Xunit.Sdk.XunitException($"expected {nameof(ChainDeploymentMissingException)}, got {refused}");
        Assert.Contains($"the chain at {reset.Url} has no contract at token 0x", missing.Message, StringComparison.Ordinal);
        Assert.Contains("escrow 0x", missing.Message, StringComparison.Ordinal);
        Assert.Contains("--keep-deployed", missing.Message, StringComparison.Ordinal);
        Assert.Contains("docker-compose up -d --force-recreate deploy", missing.Message, StringComparison.Ordinal);
    }

    /// <summary>A silo as the quick start starts it (<c>--config chain.json --chain URL</c>), on free ports, with
    /// Alice's key.</summary>
    internal static WebApplicationBuilder SiloBuilder(string settingsFile, string rpcUrl, string folder)
    {
        var builder = MarketplaceSiloHost.CreateBuilder(["--config", settingsFile, "--chain", rpcUrl]);
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Marketplace:DataFolder"] = Path.Combine(folder, "data"),
            ["Marketplace:Http:Urls"] = "http://127.0.0.1:0",
            ["Marketplace:Cluster:SiloPort"] = FreeTcpPorts.Next().ToString(CultureInfo.InvariantCulture),
            ["Marketplace:Cluster:GatewayPort"] = FreeTcpPorts.Next().ToString(CultureInfo.InvariantCulture),
            ["Marketplace:Cluster:ServiceId"] = "marketplace-quickstart-tests",
            ["Marketplace:Api:Keys:" + AliceKey] = "alice",
        });
        return builder;
    }

    private static Task<(int Exit, string Output, string Error)> RunCliAsync(params string[] args) => CliRunner.RunAsync(args);

    internal static HttpClient Http(Uri baseAddress, string key)
    {
        var client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    internal static async Task PostOkAsync(HttpClient client, string path, string json)
    {
        using var response = await client.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>Deposits 30,000,000 for Alice, stakes w1 and w2, and runs the echo program as Alice until it
    /// completes (at most 2 per million fuel).</summary>
    internal static async Task<(HttpMarketplaceClient Sdk, JobInfo Job)> FundStakeAndRunEchoAsync(Uri baseAddress, HttpClient operatorClient, string requestId)
    {
        await PostOkAsync(operatorClient, "v1/client/deposits", "{\"client_id\": \"alice\", \"amount\": 30000000, \"deposit_id\": \"bank-1\"}");
        foreach (var worker in new[] { "w1", "w2" })
        {
            await PostOkAsync(operatorClient, $"v1/workers/{worker}/stake", "{\"amount\": 1000, \"operation_id\": \"bond-" + worker + "\"}");
        }

        var sdk = new HttpMarketplaceClient(baseAddress, AliceKey);
        var program = await sdk.DeployProgramAsync(EchoDeployment("echo-" + requestId));
        var job = await sdk.SubmitJobAsync(new JobSubmission
        {
            Program = program.Id,
            InputInline = Encoding.UTF8.GetBytes("hi"),
            MaxFuel = 10_000_000,
            MaxPricePerMillionFuel = 2,
            RequestId = requestId,
        });
        var done = await sdk.WaitForJobAsync(job.JobId, TimeSpan.FromSeconds(60));
        Assert.Equal(JobStatus.Completed, done.Status);
        return (sdk, done);
    }

    internal static async Task<JobSettlement> WaitSettledAsync(HttpClient alice, string jobId)
    {
        // The job settles right after it completes; its settlement view is read until it says so.
        for (var attempt = 0; ; attempt++)
        {
            var view = (await alice.GetFromJsonAsync<JobSettlementView>($"v1/jobs/{jobId}/settlement", MarketplaceJson.Options))!;
            if (view.Escrow?.Settlement is { } settlement)
            {
                return settlement;
            }

            Assert.True(attempt < 3000, $"job {jobId} never settled");
            await Task.Delay(20);
        }
    }

    internal static async Task<BigInteger> ViewAsync(IEvmRpcClient rpc, Address contract, Chain.Contracts.ContractArtifact artifact, string function, params object?[] arguments)
    {
        var abi = artifact.Abi.GetFunction(function);
        return (BigInteger)abi.DecodeOutput(await rpc.CallAsync(new CallRequest { To = contract, Data = abi.EncodeCall(arguments) }))[0]!;
    }

    internal static ProgramDeployment EchoDeployment(string name)
    {
        var wasm = File.ReadAllBytes(Path.Combine(RepositoryRoot(), "programs", "echo", "echo.wasm"));
        var manifest = new ProgramManifest { Name = name, Version = "1.0.0", Salt = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()) };
        return ProgramDeployments.Create(wasm, manifest, Secp256k1PrivateKey.Generate().ToBytes());
    }

    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Marketplace.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException($"No Marketplace.sln above {AppContext.BaseDirectory}.");
    }
}
