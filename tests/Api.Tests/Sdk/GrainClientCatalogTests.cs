using Marketplace.Crypto.Ethereum;
using Marketplace.GrainInterfaces;
using Marketplace.Sdk;
using Xunit;

namespace Marketplace.Api.Tests.Sdk;

/// <summary>GrainMarketplaceClient's pages and program-name delegation over a real gateway connection: the same
/// contract as the HTTP client.</summary>
[Collection(GatewayCollection.Name)]
public sealed class GrainClientCatalogTests(GatewaySiloFixture fixture)
{
    private static readonly byte[] DelegateKey = Enumerable.Repeat((byte)0x6b, 32).ToArray();

    [Fact]
    public async Task PagesFollowTheirCursorsAndDelegationWorksOverTheGateway()
    {
        var client = await fixture.Silo.MarketplaceAsync("grain-catalog");
        var name = "grain-deleg-" + Guid.NewGuid().ToString("N")[..8];
        var first = await client.DeployProgramAsync(SamplePrograms.Echo(name));
        var @delegate = Address.FromPublicKey(Secp256k1PrivateKey.FromBytes(DelegateKey).PublicKey).ToChecksumString();

        var info = await client.DelegateProgramNameAsync(ProgramDelegations.Create(name, @delegate, DelegationAction.Grant, 1, SamplePrograms.DeployerKey));
        Assert.Equal([@delegate], info.Delegates);
        var second = await client.DeployProgramAsync(ProgramDeployments.Create(SamplePrograms.EchoWasm, new ProgramManifest { Name = name, Version = "1.1.0", Salt = "0b" }, DelegateKey));
        Assert.Equal(second.Id, (await client.GetProgramAsync(name)).Id);
        await client.DelegateProgramNameAsync(ProgramDelegations.Create(name, @delegate, DelegationAction.Revoke, 2, SamplePrograms.DeployerKey));
        await Assert.ThrowsAsync<ProgramRejectedException>(() =>
            client.DeployProgramAsync(ProgramDeployments.Create(SamplePrograms.EchoWasm, new ProgramManifest { Name = name, Version = "1.2.0", Salt = "0c" }, DelegateKey)));
        await Assert.ThrowsAsync<AccessDeniedException>(() =>
            client.DelegateProgramNameAsync(ProgramDelegations.Create(name, @delegate, DelegationAction.Grant, 3, DelegateKey)));

        // Pages at limit 1 walk to the same lists as the largest pages.
        var byOne = new List<string>();
        string? cursor = null;
        do
        {
            var page = await client.ListProgramsAsync(cursor, 1);
            Assert.InRange(page.Items.Count, 0, 1);
            byOne.AddRange(page.Items.Select(p => p.Id));
            cursor = page.NextCursor;
        }
        while (cursor is not null);
        Assert.Equal(await client.ListAllProgramsAsync().Select(p => p.Id).ToListAsync(), byOne);
        Assert.Equal([first.Id, second.Id], byOne.Where(id => id == first.Id || id == second.Id));
        Assert.Equal([first.Id, second.Id], await client.ListAllProgramVersionsAsync(name, pageSize: 1).Select(p => p.Id).ToListAsync());

        var workers = await client.ListAllWorkersAsync(pageSize: 1).Select(w => w.WorkerId).ToListAsync();
        Assert.NotEmpty(workers);
        Assert.Equal(workers.Order(StringComparer.Ordinal), workers);

        var job = await client.SubmitJobAsync(new JobSubmission { Program = name + "@1.0.0", InputInline = "hi"u8.ToArray() });
        await client.WaitForJobAsync(job.JobId, TimeSpan.FromSeconds(60));
        Assert.Contains(job.JobId, await client.ListAllJobsAsync(pageSize: 1).Select(j => j.JobId).ToListAsync());
        var logs = await client.GetAllJobLogsAsync(job.JobId, pageSize: 1).ToListAsync();
        Assert.Equal((await client.GetJobLogsAsync(job.JobId, null, PageLimits.Max)).Items.Select(l => l.Message), logs.Select(l => l.Message));

        await Assert.ThrowsAsync<InvalidRequestException>(() => client.ListProgramsAsync("not-a-cursor"));
        await Assert.ThrowsAsync<InvalidRequestException>(() => client.ListWorkersAsync(null, PageLimits.Max + 1));
    }
}
