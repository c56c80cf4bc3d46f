using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Marketplace.Crypto.Ethereum;
using Marketplace.GrainInterfaces;
using Marketplace.GrainInterfaces.Json;
using Xunit;

namespace Marketplace.Api.Tests;

/// <summary><c>/v1/programs/{name}/delegates</c>: the owner's signed grants and revocations over HTTP and the sdk, and
/// deploys by a delegate accepted until it is revoked.</summary>
[Collection(ApiCollection.Name)]
public sealed class DelegationApiTests(ApiSiloFixture fixture)
{
    private static readonly byte[] DelegateKey = Enumerable.Repeat((byte)0x5a, 32).ToArray();
    private static readonly string Owner = AddressOf(SamplePrograms.DeployerKey);
    private static readonly string Delegate = AddressOf(DelegateKey);

    private readonly ApiTestSilo _silo = fixture.Silo;

    [Fact]
    public async Task Grant_deploy_by_the_delegate_revoke_and_refuse_over_http()
    {
        using var http = _silo.NewHttpClient(ApiTestSilo.AliceKey);
        var name = "deleg-http-" + Guid.NewGuid().ToString("N")[..8];
        (await JobApiTests.PostJsonAsync(http, "v1/programs", SamplePrograms.Echo(name))).EnsureSuccessStatusCode();

        using (var info = JsonDocument.Parse(await http.GetStringAsync($"v1/programs/{name}/delegates")))
        {
            var root = info.RootElement;
            Assert.Equal(name, root.GetProperty("name").GetString());
            Assert.Equal(Owner, root.GetProperty("owner").GetString());
            Assert.Equal(0, root.GetProperty("delegates").GetArrayLength());
            Assert.Equal(0, root.GetProperty("delegation_nonce").GetInt64());
            Assert.Equal(1, root.GetProperty("version_count").GetInt32());
            Assert.Equal("1.0.0", root.GetProperty("latest_version").GetString());
        }

        var refused = await ProblemAssert.IsProblemAsync(await DeployAsync(http, name, "1.1.0", DelegateKey), 422, "program_rejected");
        Assert.Contains("is not a delegate of it", refused.GetProperty("detail").GetString(), StringComparison.Ordinal);

        using var granted = await PostDelegationAsync(http, name, ProgramDelegations.Create(name, Delegate, DelegationAction.Grant, 1, SamplePrograms.DeployerKey));
        Assert.True(granted.IsSuccessStatusCode, await granted.Content.ReadAsStringAsync());
        Assert.Equal([Delegate], (await granted.Content.ReadFromJsonAsync<ProgramNameInfo>(MarketplaceJson.Options))!.Delegates);

        using var byDelegate = await DeployAsync(http, name, "1.1.0", DelegateKey);
        Assert.True(byDelegate.IsSuccessStatusCode, await byDelegate.Content.ReadAsStringAsync());
        Assert.Equal(Delegate, (await byDelegate.Content.ReadFromJsonAsync<ProgramInfo>(MarketplaceJson.Options))!.Deployer);

        // Forged, foreign, replayed and malformed statements.
        var forged = ProgramDelegations.Create(name, Delegate, DelegationAction.Grant, 2, SamplePrograms.DeployerKey);
        forged.Action = DelegationAction.Revoke;
        var signature = await ProblemAssert.IsProblemAsync(await PostDelegationAsync(http, name, forged), 422, "program_rejected");
        Assert.StartsWith("signature: ", signature.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await ProblemAssert.IsProblemAsync(await PostDelegationAsync(http, name, ProgramDelegations.Create(name, Owner, DelegationAction.Revoke, 2, DelegateKey)), 403, "forbidden");
        var replay = await ProblemAssert.IsProblemAsync(await PostDelegationAsync(http, name, ProgramDelegations.Create(name, Delegate, DelegationAction.Grant, 1, SamplePrograms.DeployerKey)), 422, "program_rejected");
        Assert.StartsWith("nonce: ", replay.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var badDelegate = await ProblemAssert.IsProblemAsync(await PostRawAsync(http, name, """{"delegate": "0x12", "action": "grant", "nonce": 3, "signature_hex": "00"}"""), 400, "invalid_request");
        Assert.StartsWith("delegate: ", badDelegate.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var withName = await ProblemAssert.IsProblemAsync(await PostRawAsync(http, name, $$"""{"name": "{{name}}", "delegate": "{{Delegate}}", "action": "grant", "nonce": 3, "signature_hex": "00"}"""), 400, "invalid_json");
        Assert.StartsWith("$.name: unknown member", withName.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await ProblemAssert.IsProblemAsync(await PostRawAsync(http, name, $$"""{"delegate": "{{Delegate}}", "action": "lend", "nonce": 3, "signature_hex": "00"}"""), 400, "invalid_json");
        await ProblemAssert.IsProblemAsync(await PostRawAsync(http, name, $$"""{"delegate": "{{Delegate}}", "action": "grant", "nonce": 0, "signature_hex": "00"}"""), 400, "invalid_request");
        var missing = "deleg-none-" + Guid.NewGuid().ToString("N")[..8];
        await ProblemAssert.IsProblemAsync(await PostDelegationAsync(http, missing, ProgramDelegations.Create(missing, Delegate, DelegationAction.Grant, 1, SamplePrograms.DeployerKey)), 404, "program_not_found");
        await ProblemAssert.IsProblemAsync(await http.GetAsync($"v1/programs/{missing}/delegates"), 404, "program_not_found");
        await ProblemAssert.IsProblemAsync(await http.GetAsync($"v1/programs/{name}@1.0.0/delegates"), 400, "invalid_request");

        using var revoked = await PostDelegationAsync(http, name, ProgramDelegations.Create(name, Delegate, DelegationAction.Revoke, 2, SamplePrograms.DeployerKey));
        Assert.True(revoked.IsSuccessStatusCode, await revoked.Content.ReadAsStringAsync());
        await ProblemAssert.IsProblemAsync(await DeployAsync(http, name, "1.2.0", DelegateKey), 422, "program_rejected");
        Assert.Equal(2, (await http.GetFromJsonAsync<ProgramNameInfo>($"v1/programs/{name}/delegates", MarketplaceJson.Options))!.VersionCount);
    }

    [Fact]
    public async Task The_http_client_delegates_and_maps_refusals_to_the_typed_errors()
    {
        using var client = _silo.NewClient(ApiTestSilo.BobKey);
        var name = "deleg-sdk-" + Guid.NewGuid().ToString("N")[..8];
        await client.DeployProgramAsync(SamplePrograms.Echo(name));
        var info = await client.DelegateProgramNameAsync(ProgramDelegations.Create(name, Delegate, DelegationAction.Grant, 10, SamplePrograms.DeployerKey));
        Assert.Equal((Owner, 10L), (info.Owner, info.DelegationNonce));
        Assert.Equal([Delegate], (await client.GetProgramNameAsync(name.ToUpperInvariant())).Delegates);
        await client.DeployProgramAsync(ProgramDeployments.Create(SamplePrograms.EchoWasm, new ProgramManifest { Name = name, Version = "2.0.0", Salt = "0a" }, DelegateKey));
        Assert.Equal(["1.0.0", "2.0.0"], (await client.ListProgramVersionsAsync(name)).Items.Select(p => p.Manifest.Version));

        await Assert.ThrowsAsync<AccessDeniedException>(() => client.DelegateProgramNameAsync(ProgramDelegations.Create(name, Owner, DelegationAction.Grant, 11, DelegateKey)));
        await Assert.ThrowsAsync<ProgramRejectedException>(() => client.DelegateProgramNameAsync(ProgramDelegations.Create(name, Delegate, DelegationAction.Revoke, 10, SamplePrograms.DeployerKey)));
        await Assert.ThrowsAsync<ProgramNotFoundException>(() => client.GetProgramNameAsync("deleg-none-" + Guid.NewGuid().ToString("N")[..8]));
    }

    private static string AddressOf(byte[] key) => Address.FromPublicKey(Secp256k1PrivateKey.FromBytes(key).PublicKey).ToChecksumString();

    private static Task<HttpResponseMessage> DeployAsync(HttpClient http, string name, string version, byte[] key) =>
        JobApiTests.PostJsonAsync(http, "v1/programs", ProgramDeployments.Create(
            SamplePrograms.EchoWasm, new ProgramManifest { Name = name, Version = version, Salt = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()) }, key));

    private static Task<HttpResponseMessage> PostDelegationAsync(HttpClient http, string name, ProgramDelegation delegation) =>
        PostRawAsync(http, name, JsonSerializer.Serialize(delegation, MarketplaceJson.Options));

    private static Task<HttpResponseMessage> PostRawAsync(HttpClient http, string name, string json) =>
        http.PostAsync($"v1/programs/{name}/delegates", new StringContent(json, Encoding.UTF8, "application/json"));
}
