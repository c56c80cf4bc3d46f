// Uploads and downloads as a client sees them: blobs sent to a silo's HTTP API (POST /v1/blobs) and read back whole
// (GET /v1/blobs/{id}), through the upload grain, the blob grain and the chunk store, by --concurrency clients at once.
// The silo runs in PostgreSql mode (grain state, membership and reminders in the database) twice per round: once with
// the cluster's chunk table, as shipped, and once with a chunk folder in its data folder, the store a cluster used
// before (a folder every silo shares). Only the chunk store differs, swapped in by a service provider factory of this
// bench. Each round uploads new seeded bytes; the best of the rounds is kept and the table's figures are also given as
// a ratio of the folder's.
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.Json;
using Marketplace.Grains.Blobs;
using Marketplace.Silo;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

internal static class HttpBench
{
    private const string ApiKey = "blob-bench-key-0123456789abcdef0123";
    private const string Client = "bench";

    public static async Task<int> RunAsync(string server, int blobs, int blobMib, int concurrency, int rounds, int seed)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"HTTP API: {blobs} blobs of {blobMib} MiB per round, {concurrency} clients at a time, best of {rounds} rounds, seed {seed}; "
            + $"{DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, .NET {Environment.Version}"));
        await using var database = await BenchDatabase.CreateAsync(server, "mkt_bench_http_");
        var best = new BestOfRounds("folder");
        for (var round = 0; round < rounds; round++)
        {
            foreach (var folderStore in new[] { true, false })
            {
                var name = folderStore ? "folder" : "postgresql";
                var dataFolder = Path.Combine(database.Folder, $"{name}-{round}");
                var (upload, download) = await MeasureAsync(database.ConnectionString, dataFolder, folderStore, seed + round, blobs, blobMib, concurrency);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  round {round + 1} {name,-10} upload {upload,8:0.0} MiB/s  download {download,8:0.0} MiB/s"));
                best.Keep(name, upload, download);
            }
        }

        best.Print(["chunk store", "upload MiB/s", "download MiB/s", "x folder up", "x folder down"], ["folder", "postgresql"]);
        return 0;
    }

    private static async Task<(double Upload, double Download)> MeasureAsync(
        string connectionString, string dataFolder, bool folderStore, int seed, int blobs, int blobMib, int concurrency)
    {
        var builder = MarketplaceSiloHost.CreateBuilder([]);
        var httpPort = FreePort();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Marketplace:Cluster:Mode"] = "PostgreSql",
            ["Marketplace:Cluster:PostgreSqlConnectionString"] = connectionString,
            ["Marketplace:Cluster:ClusterId"] = "bench-" + Guid.NewGuid().ToString("N")[..8],
            // A service of its own per run: the blobs' records of one run are not there for the next to find.
            ["Marketplace:Cluster:ServiceId"] = "blob-bench-" + Path.GetFileName(dataFolder),
            ["Marketplace:Cluster:SiloPort"] = FreePort().ToString(CultureInfo.InvariantCulture),
            ["Marketplace:Cluster:GatewayPort"] = FreePort().ToString(CultureInfo.InvariantCulture),
            ["Marketplace:Http:Urls"] = $"http://127.0.0.1:{httpPort}",
            ["Marketplace:DataFolder"] = dataFolder,
            ["Marketplace:Storage:DefaultProviders"] = "0",
            ["Marketplace:Blobs:MaxStoredBytesPerClient"] = "0",
            ["Marketplace:Api:Keys:" + ApiKey] = Client,
            [$"Marketplace:Api:RateLimit:Clients:{Client}:RequestsPerSecond"] = "5000",
            [$"Marketplace:Api:RateLimit:Clients:{Client}:Burst"] = "10000",
            ["Logging:LogLevel:Default"] = "Warning",
        });
        if (folderStore)
        {
            builder.Host.UseServiceProviderFactory(new FolderChunkStoreFactory());
        }

        await using var app = MarketplaceSiloHost.Build(builder);
        await app.StartAsync();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}"), Timeout = TimeSpan.FromMinutes(10) };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey);
            var size = blobMib << 20;
            var ids = new string[blobs];
            var hashes = new byte[blobs][];
            var next = -1;
            var watch = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
            {
                var bytes = new byte[size];
                int i;
                while ((i = Interlocked.Increment(ref next)) < blobs)
                {
                    new Random(unchecked((seed * 1_000_003) + i)).NextBytes(bytes);
                    hashes[i] = SHA256.HashData(bytes);
                    using var content = new ByteArrayContent(bytes);
                    content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
                    using var response = await http.PostAsync("/v1/blobs", content);
                    var body = await response.Content.ReadAsStringAsync();
                    if (!response.IsSuccessStatusCode)
                    {
                        throw new InvalidOperationException($"upload answered {(int)response.StatusCode}: {body}");
                    }

                    ids[i] = JsonDocument.Parse(body).RootElement.GetProperty("id").GetString()!;
                }
            })));
            var upload = (double)blobs * blobMib / watch.Elapsed.TotalSeconds;

            next = -1;
            watch.Restart();
            await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
            {
                var buffer = new byte[1 << 20];
                int i;
                while ((i = Interlocked.Increment(ref next)) < blobs)
                {
                    using var response = await http.GetAsync($"/v1/blobs/{ids[i]}", HttpCompletionOption.ResponseHeadersRead);
                    response.EnsureSuccessStatusCode();
                    await using var body = await response.Content.ReadAsStreamAsync();
                    using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                    long total = 0;
                    int n;
                    while ((n = await body.ReadAsync(buffer)) > 0)
                    {
                        hash.AppendData(buffer, 0, n);
                        total += n;
                    }

                    if (total != size || !hash.GetHashAndReset().AsSpan().SequenceEqual(hashes[i]))
                    {
                        throw new InvalidOperationException($"blob {ids[i]} read back {total} bytes that are not the ones uploaded");
                    }
                }
            })));
            var download = (double)blobs * blobMib / watch.Elapsed.TotalSeconds;
            return (upload, download);
        }
        finally
        {
            await app.StopAsync();
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Builds the silo's services with the chunk folder (<see cref="FileChunkStore"/>, in the data folder) as
    /// its chunk store in place of the cluster's chunk table.</summary>
    private sealed class FolderChunkStoreFactory : IServiceProviderFactory<IServiceCollection>
    {
        public IServiceCollection CreateBuilder(IServiceCollection services)
        {
            for (var i = services.Count - 1; i >= 0; i--)
            {
                if (services[i].ServiceType == typeof(IChunkStore))
                {
                    services.RemoveAt(i);
                }
            }

            services.AddSingleton<IChunkStore>(sp => sp.GetRequiredService<FileChunkStore>());
            return services;
        }

        public IServiceProvider CreateServiceProvider(IServiceCollection containerBuilder) => containerBuilder.BuildServiceProvider();
    }
}
