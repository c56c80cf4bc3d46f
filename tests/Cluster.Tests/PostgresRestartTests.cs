// PostgreSQL restarted under a running cluster. The restart uses a server of the test's own (PrivatePostgres), never
// the shared one other test assemblies use at the same time.
using System.Diagnostics;
using Marketplace.Cluster.Tests.Support;
using Marketplace.GrainInterfaces;
using Marketplace.TestSupport;
using Xunit;
using Xunit.Abstractions;

namespace Marketplace.Cluster.Tests;

/// <summary>A private PostgreSQL server and a cluster on it, for <see cref="PostgresRestartTests"/>.</summary>
public sealed class PostgresRestartFixture() : ClusterFixture("pgrestart")
{
    private PrivatePostgres? _server;

    /// <summary>The private server (started on first use).</summary>
    public async Task<(PrivatePostgres Server, SiloCluster Cluster)> StartAsync()
    {
        _server ??= await PrivatePostgres.StartAsync();
        return (_server, await ClusterAsync(_server.ConnectionString));
    }

    /// <inheritdoc />
    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}

/// <summary>PostgreSQL restarted while jobs flow through a three-silo cluster.</summary>
public sealed class PostgresRestartTests(PostgresRestartFixture fixture, ITestOutputHelper output) : IClassFixture<PostgresRestartFixture>
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(120);

    [PostgresFact]
    public async Task Cluster_recovers_from_a_database_restart_without_losing_jobs()
    {
        var (server, cluster) = await fixture.StartAsync();
        var silos = cluster.Silos;
        await using var load = JobLoad.Start(() => silos, fixture.Program, SamplePrograms.HashInput(50_000, new string('x', 64)), TimeSpan.FromMilliseconds(300));
        await load.WaitAcceptedAsync(8, Bound);

        var restartedAt = DateTimeOffset.UtcNow;
        var restart = Stopwatch.StartNew();
        await server.RestartAsync();
        var restartTook = restart.Elapsed;
        var acceptedAtRestart = load.Accepted.Count;
        await load.WaitAcceptedAsync(acceptedAtRestart + 15, Bound);
        var firstAcceptedAfter = load.Accepted.Where(j => j.AcceptedAt > restartedAt).Min(j => j.AcceptedAt) - restartedAt;
        await load.StopAsync();

        var outcomes = await JobLoad.AuditAsync(load.Accepted, () => cluster.Running, Bound);
        Assert.Equal(load.Accepted.Count, outcomes.Count);
        Assert.All(outcomes, o => Assert.True(o.Info.Status == JobStatus.Completed,
            $"{o.Info.JobId} ended {o.Info.Status} ({o.Info.FailureReason}: {o.Info.ErrorMessage})"));
        Assert.All(outcomes, o => Assert.True(o.Completions == 1, $"{o.Info.JobId} records {o.Completions} completions"));
        Assert.All(silos, s => Assert.False(s.HasExited, $"{s.Name} exited during the database restart:\n{s.Tail()}"));
        foreach (var silo in silos)
        {
            Assert.Equal(ClusterDatabase.ActiveStatus, await cluster.Database.MembershipStatusAsync(cluster.ClusterId, silo.SiloPort));
        }

        var firstCompletedAfter = outcomes.Where(o => o.Info.CompletedAt > restartedAt).Min(o => o.Info.CompletedAt!.Value) - restartedAt;
        var report = $"PostgreSQL restart (pg_ctl restart -m fast, {restartTook.TotalSeconds:0.0} s): first job accepted {firstAcceptedAfter.TotalSeconds:0.0} s "
            + $"and first completed {firstCompletedAfter.TotalSeconds:0.0} s after the restart began; all {silos.Count} silos stayed Active; "
            + $"{outcomes.Count} jobs accepted ({outcomes.Count - acceptedAtRestart} after the restart), all completed exactly once, {load.RetriedCalls} submit calls retried";
        output.WriteLine(report);
        Console.WriteLine("[cluster] " + report);
    }

    [PostgresFact]
    public async Task An_upload_cut_by_a_database_restart_fails_cleanly_or_completes_and_is_never_half_stored()
    {
        var (server, cluster) = await fixture.StartAsync();
        var silos = cluster.Silos;
        var seed = Environment.TickCount;
        output.WriteLine($"content seed {seed}");
        var content = new byte[16 << 20]; // 16 chunks of 1 MiB
        new Random(seed).NextBytes(content);
        var hashes = Enumerable.Range(0, 16).Select(i => BlobMerkle.HashChunk(content.AsSpan(i << 20, 1 << 20))).ToList();
        var blobId = BlobMerkle.ComputeBlobId(hashes);

        // The body stops after 6 MiB until the database has restarted, then sends the rest.
        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(3) };
        string outcome;
        using (var answer = await PostAcrossARestartAsync(http, server, new Uri(silos[0].BaseAddress, "v1/blobs"), content, 6 << 20))
        {
            var body = await answer.Content.ReadAsStringAsync();
            outcome = $"{(int)answer.StatusCode} {body[..Math.Min(300, body.Length)]}";
            if (answer.StatusCode == System.Net.HttpStatusCode.Created)
            {
                Assert.Contains(blobId, body, StringComparison.Ordinal);
            }
            else
            {
                // A clean refusal: a problem with a stable code (the store or the cluster unavailable, not an internal
                // error), never a success with fewer bytes.
                Assert.True(answer.StatusCode == System.Net.HttpStatusCode.ServiceUnavailable, $"{outcome}\n{silos[0].Tail(160)}");
                Assert.Equal("application/problem+json", answer.Content.Headers.ContentType?.MediaType);
                Assert.DoesNotContain(blobId, body, StringComparison.Ordinal);
            }
        }

        output.WriteLine($"upload cut by the restart: {outcome}");

        // Whatever the answer, no silo ever serves a part of the blob: it is whole or not there, and the same bytes
        // uploaded again are stored whole and read back byte-exact through every silo.
        // A silo whose pooled connections the restart cut may answer 503 (retry shortly) for a moment, never 500.
        foreach (var silo in silos)
        {
            for (var attempt = 1; ; attempt++)
            {
                using var read = new HttpRequestMessage(HttpMethod.Get, new Uri(silo.BaseAddress, $"v1/blobs/{blobId}"));
                read.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", SiloCluster.ApiKey);
                using var answer = await http.SendAsync(read);
                if (answer.StatusCode == System.Net.HttpStatusCode.ServiceUnavailable && attempt < 30)
                {
                    output.WriteLine($"{silo.Name}: 503 on read {attempt}: {await answer.Content.ReadAsStringAsync()}");
                    await Task.Delay(TimeSpan.FromSeconds(1));
                    continue;
                }

                if (answer.StatusCode == System.Net.HttpStatusCode.OK)
                {
                    Assert.Equal(content, await answer.Content.ReadAsByteArrayAsync());
                }
                else
                {
                    Assert.True(answer.StatusCode == System.Net.HttpStatusCode.NotFound, $"{silo.Name}: {(int)answer.StatusCode} {await answer.Content.ReadAsStringAsync()}\n{silo.Tail(160)}");
                }

                break;
            }
        }

        // Uploaded again as a client does after a 503: retried shortly while a silo still meets connections the
        // restart cut (each is dropped on first use).
        using var client = SiloCluster.Client(silos[1]);
        BlobManifest? stored = null;
        for (var attempt = 1; stored is null; attempt++)
        {
            try
            {
                stored = await client.UploadBlobAsync(new MemoryStream(content), "application/octet-stream");
            }
            catch (BlobStoreException refused) when (attempt < 30)
            {
                output.WriteLine($"upload again, try {attempt}: {refused.Message}");
                await Task.Delay(TimeSpan.FromSeconds(1));
            }
        }

        Assert.Equal(blobId, stored.Id);
        foreach (var silo in silos)
        {
            using var reader = SiloCluster.Client(silo);
            using var read = new MemoryStream();
            await reader.DownloadBlobAsync(blobId, read);
            Assert.Equal(content, read.ToArray());
        }
    }

    [PostgresFact]
    public async Task A_deal_upload_cut_by_a_database_restart_fails_cleanly_or_completes_and_is_never_served_half_stored()
    {
        var (server, cluster) = await fixture.StartAsync();
        var silos = cluster.Silos;
        var seed = Environment.TickCount;
        output.WriteLine($"content seed {seed}");
        var content = new byte[12 << 20];
        new Random(seed).NextBytes(content);
        var name = "restart-" + seed.ToString(System.Globalization.CultureInfo.InvariantCulture);

        // Six providers on three silos place the default 4+2 deal; wait until every silo's two have registered.
        using var client = SiloCluster.Client(silos[0]);
        await Eventually.Until(async () => (await client.ListStorageProvidersAsync()).Providers.Count >= 6, Bound, "six storage providers registered");

        // The body stops after 5 MiB until the database has restarted, then sends the rest.
        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(3) };
        string outcome;
        using (var answer = await PostAcrossARestartAsync(http, server, new Uri(silos[0].BaseAddress, $"v1/deals?preset=dev&deal_id={name}"), content, 5 << 20))
        {
            var body = await answer.Content.ReadAsStringAsync();
            outcome = $"{(int)answer.StatusCode} {body[..Math.Min(300, body.Length)]}";
            Assert.True(
                answer.StatusCode is System.Net.HttpStatusCode.Created or System.Net.HttpStatusCode.ServiceUnavailable,
                $"{outcome}\n{silos[0].Tail(160)}");
            if (answer.StatusCode != System.Net.HttpStatusCode.Created)
            {
                Assert.Equal("application/problem+json", answer.Content.Headers.ContentType?.MediaType);
            }
        }

        output.WriteLine($"deal upload cut by the restart: {outcome}");
        Console.WriteLine($"[cluster] deal upload cut by a PostgreSQL restart: {outcome[..Math.Min(80, outcome.Length)]}");

        // Whatever the answer, the deal is active with every byte, or still placing, or was never begun; no silo serves
        // part of it.
        // A silo whose pooled connections the restart cut may answer 503 (retry shortly) for a moment, never 500.
        foreach (var silo in silos)
        {
            using var reader = SiloCluster.Client(silo);
            DealStatus? status;
            try
            {
                status = await RetriedAsync(() => reader.GetDealAsync(name), silo.Name);
            }
            catch (DealNotFoundException)
            {
                status = null; // refused before the deal was begun
            }

            if (status?.State == DealState.Active)
            {
                Assert.Equal(content, await RetriedAsync(() => reader.RetrieveAsync(name), silo.Name));
            }
            else
            {
                Assert.True(status is null or { State: DealState.Placing }, $"{silo.Name}: the deal is {status?.State}");
                using var read = new HttpRequestMessage(HttpMethod.Get, new Uri(silo.BaseAddress, $"v1/deals/{name}/content"));
                read.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", SiloCluster.ApiKey);
                using var answer = await http.SendAsync(read);
                Assert.False(answer.IsSuccessStatusCode, $"{silo.Name}: a deal still placing served {(int)answer.StatusCode}");
            }
        }

        // Stored again under the same name, as a client does after a 503: the deal completes and reads back whole
        // through every silo.
        var stored = await RetriedAsync(() => client.StoreAsync(content, dealId: name), "store again");
        Assert.Equal(DealState.Active, stored.State);
        foreach (var silo in silos)
        {
            using var reader = SiloCluster.Client(silo);
            Assert.Equal(content, await RetriedAsync(() => reader.RetrieveAsync(name), silo.Name));
        }
    }

    /// <summary>Posts <paramref name="content"/> to <paramref name="uri"/>; once <paramref name="pauseAt"/> bytes have
    /// gone, the body waits while <paramref name="server"/> restarts, then sends the rest. Answers the response.</summary>
    private static async Task<HttpResponseMessage> PostAcrossARestartAsync(HttpClient http, PrivatePostgres server, Uri uri, byte[] content, int pauseAt)
    {
        var resume = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var paused = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var upload = new HttpRequestMessage(HttpMethod.Post, uri)
        {
            Content = new StreamContent(new PausingStream(content, pauseAt, paused, resume.Task)),
        };
        upload.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", SiloCluster.ApiKey);
        upload.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/octet-stream");
        upload.Content.Headers.ContentLength = content.Length;
        var sending = http.SendAsync(upload);
        await paused.Task.WaitAsync(Bound);
        await server.RestartAsync();
        resume.SetResult();
        return await sending;
    }

    /// <summary>Calls <paramref name="call"/> again while it answers that the store or cluster is briefly
    /// unavailable (connections the restart cut are dropped on first use).</summary>
    private async Task<T> RetriedAsync<T>(Func<Task<T>> call, string what)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await call();
            }
            catch (MarketplaceException unavailable) when (attempt < 30 && unavailable.Code is "storage_unavailable" or "blob_store_failed" or "unavailable")
            {
                output.WriteLine($"{what}, try {attempt}: {unavailable.Code}: {unavailable.Message}");
                await Task.Delay(TimeSpan.FromSeconds(1));
            }
        }
    }

    /// <summary>Reads <c>content</c> and, once <c>pauseAt</c> bytes were read, waits for <c>resume</c>.</summary>
    private sealed class PausingStream(byte[] content, int pauseAt, TaskCompletionSource paused, Task resume) : Stream
    {
        private int _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => content.Length;

        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_position >= pauseAt && !resume.IsCompleted)
            {
                paused.TrySetResult();
                await resume.WaitAsync(cancellationToken);
            }

            var end = _position < pauseAt ? pauseAt : content.Length;
            var count = Math.Min(buffer.Length, end - _position);
            content.AsMemory(_position, count).CopyTo(buffer);
            _position += count;
            return count;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count).GetAwaiter().GetResult();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
