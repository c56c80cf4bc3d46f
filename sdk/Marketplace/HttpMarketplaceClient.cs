// Design: a thin, allocation-light client of the /v1 API. Every request carries the API key as a bearer token; JSON
// travels in the shared MarketplaceJson wire format; blob bodies stream both ways (never buffered whole). A
// non-success answer is read as problem+json and rethrown as the same typed MarketplaceException the grains throw,
// so callers handle errors identically whichever client they use. A download cut short (the server aborts the
// connection when it meets a damaged chunk after the headers went out, or the network fails) is resumed with a
// Range request from the last byte received: a damaged chunk then answers blob_integrity before any header, which
// becomes a BlobIntegrityException; a network hiccup just continues. With a RequestSigningKey every request (each
// resumed download included) is signed just before it is sent, with a fresh nonce and the time of the injected
// TimeProvider; an upload's body is hashed first (a stream that cannot seek is spooled to a temporary file).
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Marketplace.GrainInterfaces;
using Marketplace.GrainInterfaces.Http;
using Marketplace.GrainInterfaces.Json;

namespace Marketplace.Sdk;

/// <summary>
/// <see cref="IMarketplaceClient"/> over the HTTP API (<c>/v1</c>), authenticated with an API key.
/// <code>
/// using var client = new HttpMarketplaceClient(new Uri("http://127.0.0.1:8080"), apiKey);
/// await client.ConnectAsync();                     // checks the key, learns the client id
/// var blob = await client.UploadBlobAsync(File.OpenRead("input.bin"));
/// </code>
/// </summary>
public sealed partial class HttpMarketplaceClient : IMarketplaceClient, IDisposable
{
    /// <summary>How often a download cut short is resumed without receiving a byte in between.</summary>
    public const int MaxResumeAttempts = 3;

    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private readonly Uri _base;
    private readonly AuthenticationHeaderValue _authorization;
    private readonly RequestSigningKey? _signingKey;
    private readonly TimeProvider _timeProvider;
    private string? _clientId;

    private static readonly HttpRequestOptionsKey<string> ContentSha256Option = new("Marketplace.ContentSha256");

    /// <summary>A client with its own <see cref="HttpClient"/> (no overall timeout: transfers may be long; use
    /// cancellation tokens).</summary>
    /// <param name="baseAddress">The silo's HTTP address, e.g. <c>http://127.0.0.1:8080</c>.</param>
    /// <param name="apiKey">The API key (<c>Marketplace:Api:Keys</c> on the silo, or its development key).</param>
    public HttpMarketplaceClient(Uri baseAddress, string apiKey)
        : this(new HttpClient { Timeout = Timeout.InfiniteTimeSpan }, baseAddress, apiKey, null, null, ownsHttp: true)
    {
    }

    /// <summary>A client with its own <see cref="HttpClient"/> that signs every request with
    /// <paramref name="signingKey"/>.</summary>
    /// <param name="baseAddress">The silo's HTTP address, e.g. <c>http://127.0.0.1:8080</c>.</param>
    /// <param name="apiKey">The API key.</param>
    /// <param name="signingKey">The signing key of the API key's client (<c>Marketplace:Api:SigningKeys</c>).</param>
    /// <param name="timeProvider">The clock of the signatures' timestamps; the system clock when null.</param>
    public HttpMarketplaceClient(Uri baseAddress, string apiKey, RequestSigningKey signingKey, TimeProvider? timeProvider = null)
        : this(new HttpClient { Timeout = Timeout.InfiniteTimeSpan }, baseAddress, apiKey, signingKey ?? throw new ArgumentNullException(nameof(signingKey)), timeProvider, ownsHttp: true)
    {
    }

    /// <summary>A client on an injected <see cref="HttpClient"/> (not disposed by this client; its
    /// <see cref="HttpClient.Timeout"/> bounds transfers too).</summary>
    public HttpMarketplaceClient(HttpClient httpClient, Uri baseAddress, string apiKey)
        : this(httpClient, baseAddress, apiKey, null, null, ownsHttp: false)
    {
    }

    /// <summary>A client on an injected <see cref="HttpClient"/> that signs every request with
    /// <paramref name="signingKey"/> (null: unsigned).</summary>
    /// <param name="httpClient">The HTTP client (not disposed by this client).</param>
    /// <param name="baseAddress">The silo's HTTP address.</param>
    /// <param name="apiKey">The API key.</param>
    /// <param name="signingKey">The signing key of the API key's client, or null.</param>
    /// <param name="timeProvider">The clock of the signatures' timestamps; the system clock when null.</param>
    public HttpMarketplaceClient(HttpClient httpClient, Uri baseAddress, string apiKey, RequestSigningKey? signingKey, TimeProvider? timeProvider = null)
        : this(httpClient, baseAddress, apiKey, signingKey, timeProvider, ownsHttp: false)
    {
    }

    private HttpMarketplaceClient(HttpClient httpClient, Uri baseAddress, string apiKey, RequestSigningKey? signingKey, TimeProvider? timeProvider, bool ownsHttp)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(baseAddress);
        ArgumentException.ThrowIfNullOrWhiteSpace(apiKey);
        if (!baseAddress.IsAbsoluteUri)
        {
            throw new ArgumentException("The base address must be absolute, e.g. http://127.0.0.1:8080.", nameof(baseAddress));
        }

        _http = httpClient;
        _ownsHttp = ownsHttp;
        _base = baseAddress.AbsoluteUri.EndsWith('/') ? baseAddress : new Uri(baseAddress.AbsoluteUri + "/");
        _authorization = new AuthenticationHeaderValue("Bearer", apiKey.Trim());
        _signingKey = signingKey;
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Whether this client signs its requests.</summary>
    public bool SignsRequests => _signingKey is not null;

    /// <summary>The client id of the API key: known after <see cref="ConnectAsync"/> (or after a job call).</summary>
    /// <exception cref="InvalidOperationException">Neither has happened yet.</exception>
    public string ClientId => _clientId
        ?? throw new InvalidOperationException("The client id is learned from the server: call ConnectAsync first.");

    /// <summary>Checks the API key against the server and learns its client id (<c>GET /v1/client</c>).
    /// Throws <see cref="HttpApiException"/> with code <c>unauthorized</c> for a bad key.</summary>
    public async Task<string> ConnectAsync(CancellationToken cancellationToken = default)
    {
        var identity = await SendJsonAsync<ClientIdentity>(HttpMethod.Get, "v1/client", null, cancellationToken);
        _clientId = identity.ClientId;
        return identity.ClientId;
    }

    /// <inheritdoc />
    public async Task<BlobManifest> UploadBlobAsync(Stream content, string? mediaType = null, IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        using var request = NewRequest(HttpMethod.Post, "v1/blobs");
        await using var spooled = _signingKey is null ? null : await PrepareSignedUploadAsync(content, request, cancellationToken);
        request.Content = new HttpProgressContent(spooled ?? content, progress);
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(mediaType ?? "application/octet-stream");
        using var response = await SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        return await ReadJsonAsync<BlobManifest>(response, cancellationToken);
    }

    /// <inheritdoc />
    public async Task DeleteBlobAsync(string blobId, CancellationToken cancellationToken = default)
    {
        using var request = NewRequest(HttpMethod.Delete, $"v1/blobs/{Escape(blobId)}");
        using var response = await SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
    }

    /// <inheritdoc />
    public Task<ClientStorage> GetStorageAsync(CancellationToken cancellationToken = default) =>
        SendJsonAsync<ClientStorage>(HttpMethod.Get, "v1/client/storage", null, cancellationToken);

    /// <inheritdoc />
    public Task<BlobManifest> GetBlobManifestAsync(string blobId, CancellationToken cancellationToken = default) =>
        SendJsonAsync<BlobManifest>(HttpMethod.Get, $"v1/blobs/{Escape(blobId)}/manifest", null, cancellationToken);

    /// <inheritdoc />
    public Task DownloadBlobAsync(string blobId, Stream destination, long offset = 0, long? length = null, IProgress<long>? progress = null, CancellationToken cancellationToken = default) =>
        DownloadAsync($"v1/blobs/{Escape(blobId)}", destination, offset, length, progress, cancellationToken);

    /// <summary>Streams a completed job's output into <paramref name="destination"/>. Throws
    /// <see cref="JobConflictException"/> while the job has not completed.</summary>
    public Task DownloadJobOutputAsync(string jobId, Stream destination, IProgress<long>? progress = null, CancellationToken cancellationToken = default) =>
        DownloadAsync($"v1/jobs/{Escape(jobId)}/output", destination, 0, null, progress, cancellationToken);

    /// <inheritdoc />
    public Task<ChunkProof> GetChunkProofAsync(string blobId, int index, CancellationToken cancellationToken = default) =>
        SendJsonAsync<ChunkProof>(HttpMethod.Get, $"v1/blobs/{Escape(blobId)}/chunks/{index}/proof", null, cancellationToken);

    /// <inheritdoc />
    public Task<BlobAccessList> GetBlobAccessAsync(string blobId, CancellationToken cancellationToken = default) =>
        SendJsonAsync<BlobAccessList>(HttpMethod.Get, $"v1/blobs/{Escape(blobId)}/access", null, cancellationToken);

    /// <inheritdoc />
    public Task<BlobAccessList> ShareBlobAsync(string blobId, string clientId, CancellationToken cancellationToken = default) =>
        SendJsonAsync<BlobAccessList>(HttpMethod.Post, $"v1/blobs/{Escape(blobId)}/share", Json(new BlobShareRequest { ClientId = clientId }), cancellationToken);

    /// <inheritdoc />
    public Task<BlobAccessList> UnshareBlobAsync(string blobId, string clientId, CancellationToken cancellationToken = default) =>
        SendJsonAsync<BlobAccessList>(HttpMethod.Delete, $"v1/blobs/{Escape(blobId)}/share/{Escape(clientId)}", null, cancellationToken);

    /// <inheritdoc />
    public Task<BlobAccessList> PublishBlobAsync(string blobId, CancellationToken cancellationToken = default) =>
        SendJsonAsync<BlobAccessList>(HttpMethod.Post, $"v1/blobs/{Escape(blobId)}/publish", null, cancellationToken);

    /// <inheritdoc />
    public Task<BlobAccessList> UnpublishBlobAsync(string blobId, CancellationToken cancellationToken = default) =>
        SendJsonAsync<BlobAccessList>(HttpMethod.Delete, $"v1/blobs/{Escape(blobId)}/publish", null, cancellationToken);

    /// <inheritdoc />
    public Task<ProgramInfo> DeployProgramAsync(ProgramDeployment deployment, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        return SendJsonAsync<ProgramInfo>(HttpMethod.Post, "v1/programs", Json(deployment), cancellationToken);
    }

    /// <inheritdoc />
    public Task<ProgramInfo> GetProgramAsync(string reference, CancellationToken cancellationToken = default) =>
        SendJsonAsync<ProgramInfo>(HttpMethod.Get, $"v1/programs/{Escape(reference)}", null, cancellationToken);

    /// <inheritdoc />
    public Task<StateProof> GetStateProofAsync(string program, byte[] key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        return SendJsonAsync<StateProof>(
            HttpMethod.Get, $"v1/programs/{Escape(program)}/state/proof?key_hex={Convert.ToHexStringLower(key)}", null, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<Page<ProgramInfo>> ListProgramsAsync(string? cursor = null, int limit = PageLimits.Default, CancellationToken cancellationToken = default)
    {
        var list = await SendJsonAsync<ProgramList>(HttpMethod.Get, PagePath("v1/programs?", cursor, limit), null, cancellationToken);
        return new Page<ProgramInfo> { Items = list.Programs, NextCursor = list.NextCursor };
    }

    /// <inheritdoc />
    public async Task<Page<ProgramInfo>> ListProgramVersionsAsync(string name, string? cursor = null, int limit = PageLimits.Default, CancellationToken cancellationToken = default)
    {
        var list = await SendJsonAsync<ProgramList>(HttpMethod.Get, PagePath($"v1/programs/{Escape(name)}/versions?", cursor, limit), null, cancellationToken);
        return new Page<ProgramInfo> { Items = list.Programs, NextCursor = list.NextCursor };
    }

    /// <inheritdoc />
    public Task<ProgramNameInfo> GetProgramNameAsync(string name, CancellationToken cancellationToken = default) =>
        SendJsonAsync<ProgramNameInfo>(HttpMethod.Get, $"v1/programs/{Escape(name)}/delegates", null, cancellationToken);

    /// <inheritdoc />
    public Task<ProgramNameInfo> DelegateProgramNameAsync(ProgramDelegation delegation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(delegation);
        return SendJsonAsync<ProgramNameInfo>(HttpMethod.Post, $"v1/programs/{Escape(delegation.Name)}/delegates", Json(delegation), cancellationToken);
    }

    /// <inheritdoc />
    public Task<StateSnapshot> GetProgramStateAsync(string program, string? root = null, CancellationToken cancellationToken = default) =>
        SendJsonAsync<StateSnapshot>(HttpMethod.Get, $"v1/programs/{Escape(program)}/state" + (root is null ? "" : "?root=" + Uri.EscapeDataString(root)), null, cancellationToken);

    /// <inheritdoc />
    public async Task<JobInfo> SubmitJobAsync(JobSubmission submission, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(submission);
        return Learn(await SendJsonAsync<JobInfo>(HttpMethod.Post, "v1/jobs", Json(submission), cancellationToken));
    }

    /// <inheritdoc />
    public async Task<JobInfo> GetJobAsync(string jobId, CancellationToken cancellationToken = default) =>
        Learn(await SendJsonAsync<JobInfo>(HttpMethod.Get, $"v1/jobs/{Escape(jobId)}", null, cancellationToken));

    /// <inheritdoc />
    public Task<SignedExecutionReceipt> GetJobReceiptAsync(string jobId, CancellationToken cancellationToken = default) =>
        SendJsonAsync<SignedExecutionReceipt>(HttpMethod.Get, $"v1/jobs/{Escape(jobId)}/receipt?kind=executor", null, cancellationToken);

    /// <inheritdoc />
    public Task<JobHistory> GetJobHistoryAsync(string jobId, CancellationToken cancellationToken = default) =>
        SendJsonAsync<JobHistory>(HttpMethod.Get, $"v1/jobs/{Escape(jobId)}/history", null, cancellationToken);

    /// <inheritdoc />
    public Task<AggregatedReceipt> GetJobAggregatedReceiptAsync(string jobId, CancellationToken cancellationToken = default) =>
        SendJsonAsync<AggregatedReceipt>(HttpMethod.Get, $"v1/jobs/{Escape(jobId)}/receipt?kind=aggregated", null, cancellationToken);

    /// <inheritdoc />
    public Task<ChainJobTerms> GetJobChainTermsAsync(string jobId, CancellationToken cancellationToken = default) =>
        SendJsonAsync<ChainJobTerms>(HttpMethod.Get, $"v1/jobs/{Escape(jobId)}/chain-terms", null, cancellationToken);

    /// <inheritdoc />
    public Task<EvidenceAcceptance> SubmitEvidenceAsync(DoubleSignEvidence evidence, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(evidence);
        var body = new ByteArrayContent(DoubleSignEvidenceJson.Serialize(evidence));
        body.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return SendJsonAsync<EvidenceAcceptance>(HttpMethod.Post, "v1/evidence", body, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<JobInfo> CancelJobAsync(string jobId, CancellationToken cancellationToken = default) =>
        Learn(await SendJsonAsync<JobInfo>(HttpMethod.Post, $"v1/jobs/{Escape(jobId)}/cancel", null, cancellationToken));

    /// <inheritdoc />
    public async Task<Page<JobLogEntry>> GetJobLogsAsync(string jobId, string? cursor = null, int limit = PageLimits.Default, CancellationToken cancellationToken = default)
    {
        var list = await SendJsonAsync<JobLogList>(HttpMethod.Get, PagePath($"v1/jobs/{Escape(jobId)}/logs?", cursor, limit), null, cancellationToken);
        return new Page<JobLogEntry> { Items = list.Logs, NextCursor = list.NextCursor };
    }

    /// <inheritdoc />
    public async Task<Page<JobSummary>> ListJobsAsync(JobStatus? status = null, int limit = PageLimits.Default, string? cursor = null, CancellationToken cancellationToken = default)
    {
        var path = status is { } filter ? $"v1/jobs?status={MarketplaceJson.EnumName(filter)}&" : "v1/jobs?";
        var list = await SendJsonAsync<JobList>(HttpMethod.Get, PagePath(path, cursor, limit), null, cancellationToken);
        return new Page<JobSummary> { Items = list.Jobs, NextCursor = list.NextCursor };
    }

    /// <inheritdoc />
    public async Task<Page<WorkerInfo>> ListWorkersAsync(string? cursor = null, int limit = PageLimits.Default, CancellationToken cancellationToken = default)
    {
        var list = await SendJsonAsync<WorkerList>(HttpMethod.Get, PagePath("v1/workers?", cursor, limit), null, cancellationToken);
        return new Page<WorkerInfo> { Items = list.Workers, NextCursor = list.NextCursor };
    }

    /// <inheritdoc />
    public Task<WorkerKeyRegistry> GetWorkerKeyRegistryAsync(CancellationToken cancellationToken = default) =>
        SendJsonAsync<WorkerKeyRegistry>(HttpMethod.Get, "v1/workers/registry", null, cancellationToken);

    /// <inheritdoc />
    public Task<WorkerReputation> GetWorkerReputationAsync(string workerId, CancellationToken cancellationToken = default) =>
        SendJsonAsync<WorkerReputation>(HttpMethod.Get, $"v1/workers/{Escape(workerId)}/reputation", null, cancellationToken);

    /// <inheritdoc />
    public async Task<Page<ReputationEvent>> ListWorkerReputationEventsAsync(string workerId, string? cursor = null, int limit = PageLimits.Default, CancellationToken cancellationToken = default)
    {
        var list = await SendJsonAsync<ReputationEventList>(HttpMethod.Get, PagePath($"v1/workers/{Escape(workerId)}/reputation/events?", cursor, limit), null, cancellationToken);
        return new Page<ReputationEvent> { Items = list.Events, NextCursor = list.NextCursor };
    }

    /// <inheritdoc />
    public Task<LedgerJournalPage> GetLedgerJournalAsync(string? cursor = null, int limit = PageLimits.Default, CancellationToken cancellationToken = default) =>
        SendJsonAsync<LedgerJournalPage>(HttpMethod.Get, PagePath("v1/ledger/journal?", cursor, limit), null, cancellationToken);

    /// <summary>One worker. Throws <see cref="WorkerNotFoundException"/>.</summary>
    public Task<WorkerInfo> GetWorkerAsync(string workerId, CancellationToken cancellationToken = default) =>
        SendJsonAsync<WorkerInfo>(HttpMethod.Get, $"v1/workers/{Escape(workerId)}", null, cancellationToken);

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsHttp)
        {
            _http.Dispose();
        }
    }

    private async Task DownloadAsync(string path, Stream destination, long offset, long? length, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        if (length is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(length), length, "A download length must be positive (null: to the end).");
        }

        long received = 0;
        long? expected = length;
        var attemptsWithoutProgress = 0;
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(80 * 1024);
        try
        {
            while (expected is null || received < expected)
            {
                using var request = NewRequest(HttpMethod.Get, path);
                var from = offset + received;
                if (from > 0 || expected is not null)
                {
                    request.Headers.Range = new RangeHeaderValue(from, expected is { } total ? offset + total - 1 : null);
                }

                using var response = await SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
                if (request.Headers.Range is not null && response.StatusCode != HttpStatusCode.PartialContent)
                {
                    throw new HttpApiException((int)response.StatusCode, HttpApiException.UnexpectedResponseCode, "The server ignored the Range of a blob download.");
                }

                expected ??= received + (response.Content.Headers.ContentLength
                    ?? throw new HttpApiException((int)response.StatusCode, HttpApiException.UnexpectedResponseCode, "A blob download came without Content-Length."));
                var before = received;
                try
                {
                    await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
                    int read;
                    while ((read = await body.ReadAsync(buffer, cancellationToken)) > 0)
                    {
                        if (received + read > expected)
                        {
                            throw new HttpApiException((int)response.StatusCode, HttpApiException.UnexpectedResponseCode, "A blob download sent more bytes than announced.");
                        }

                        await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                        received += read;
                        progress?.Report(received);
                    }
                }
                catch (Exception cut) when (cut is HttpRequestException or IOException && !cancellationToken.IsCancellationRequested)
                {
                    // Cut short: resume below (the server answers a damaged chunk with a problem before any header).
                    attemptsWithoutProgress = received > before ? 0 : attemptsWithoutProgress + 1;
                    if (attemptsWithoutProgress >= MaxResumeAttempts)
                    {
                        throw new HttpApiException((int)response.StatusCode, HttpApiException.ConnectionFailedCode,
                            $"The download of {path} kept breaking off at byte {offset + received}: {cut.Message}");
                    }

                    continue;
                }

                if (received < expected)
                {
                    attemptsWithoutProgress = received > before ? 0 : attemptsWithoutProgress + 1;
                    if (attemptsWithoutProgress >= MaxResumeAttempts)
                    {
                        throw new HttpApiException((int)response.StatusCode, HttpApiException.ConnectionFailedCode,
                            $"The download of {path} kept ending early at byte {offset + received}.");
                    }
                }
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private JobInfo Learn(JobInfo job)
    {
        _clientId ??= job.ClientId;
        return job;
    }

    private async Task<T> SendJsonAsync<T>(HttpMethod method, string path, HttpContent? content, CancellationToken cancellationToken)
        where T : class
    {
        using var request = NewRequest(method, path);
        request.Content = content;
        using var response = await SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        return await ReadJsonAsync<T>(response, cancellationToken);
    }

    private HttpRequestMessage NewRequest(HttpMethod method, string path)
    {
        var request = new HttpRequestMessage(method, new Uri(_base, path));
        request.Headers.Authorization = _authorization;
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return request;
    }

    // Hashes an upload body before it is sent: a seekable stream in place (then rewound), any other into a temporary
    // file that is returned to be sent instead (deleted when disposed).
    private static async Task<Stream?> PrepareSignedUploadAsync(Stream content, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using var hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(80 * 1024);
        FileStream? spool = null;
        try
        {
            var start = content.CanSeek ? content.Position : 0;
            if (!content.CanSeek)
            {
                spool = new FileStream(Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 80 * 1024, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
            }

            int read;
            while ((read = await content.ReadAsync(buffer, cancellationToken)) > 0)
            {
                hash.AppendData(buffer, 0, read);
                if (spool is not null)
                {
                    await spool.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                }
            }

            if (spool is null)
            {
                content.Position = start;
            }
            else
            {
                spool.Position = 0;
            }

            request.Options.Set(ContentSha256Option, Convert.ToHexStringLower(hash.GetHashAndReset()));
            return spool;
        }
        catch
        {
            if (spool is not null)
            {
                await spool.DisposeAsync();
            }

            throw;
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async Task SignAsync(HttpRequestMessage request, RequestSigningKey key, CancellationToken cancellationToken)
    {
        if (!request.Options.TryGetValue(ContentSha256Option, out var contentSha256))
        {
            if (request.Content is null)
            {
                contentSha256 = RequestSignature.EmptyContentSha256;
            }
            else
            {
                await request.Content.LoadIntoBufferAsync(cancellationToken);
                var body = await request.Content.ReadAsByteArrayAsync(cancellationToken);
                contentSha256 = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(body));
            }
        }

        var timestamp = _timeProvider.GetUtcNow().ToUnixTimeSeconds();
        var nonce = RequestSignature.NewNonce();
        // Content-Type and Range are signed as HttpClient writes them: the same formatting of the same header values.
        var contentType = request.Content?.Headers.ContentType?.ToString() ?? "";
        var range = request.Headers.Range?.ToString() ?? "";
        var stringToSign = RequestSignature.StringToSign(request.Method.Method, request.RequestUri!.PathAndQuery, timestamp, nonce, contentSha256,
            contentType, range, key.KeyId);
        var headers = request.Headers;
        headers.Remove(RequestSignature.KeyIdHeader);
        headers.Remove(RequestSignature.TimestampHeader);
        headers.Remove(RequestSignature.NonceHeader);
        headers.Remove(RequestSignature.ContentSha256Header);
        headers.Remove(RequestSignature.SignatureHeader);
        headers.TryAddWithoutValidation(RequestSignature.KeyIdHeader, key.KeyId);
        headers.TryAddWithoutValidation(RequestSignature.TimestampHeader, timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        headers.TryAddWithoutValidation(RequestSignature.NonceHeader, nonce);
        headers.TryAddWithoutValidation(RequestSignature.ContentSha256Header, contentSha256);
        headers.TryAddWithoutValidation(RequestSignature.SignatureHeader, key.Sign(stringToSign));
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, HttpCompletionOption completion, CancellationToken cancellationToken)
    {
        if (_signingKey is not null)
        {
            await SignAsync(request, _signingKey, cancellationToken);
        }

        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, completion, cancellationToken);
        }
        catch (HttpRequestException failure)
        {
            throw new HttpApiException(0, HttpApiException.ConnectionFailedCode,
                $"{request.Method} {request.RequestUri} got no answer: {failure.Message}");
        }

        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            throw await HttpProblems.ReadAsync(response, cancellationToken);
        }
    }

    private static async Task<T> ReadJsonAsync<T>(HttpResponseMessage response, CancellationToken cancellationToken)
        where T : class
    {
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            return await JsonSerializer.DeserializeAsync<T>(stream, MarketplaceJson.Options, cancellationToken)
                ?? throw new JsonException("The body is null.");
        }
        catch (JsonException failure)
        {
            throw new HttpApiException((int)response.StatusCode, HttpApiException.UnexpectedResponseCode,
                $"The server's answer is not a {typeof(T).Name}: {failure.Message}");
        }
    }

    private static JsonContent Json<T>(T value) => JsonContent.Create(value, MarketplaceJson.Options.GetTypeInfo(typeof(T)), new MediaTypeHeaderValue("application/json"));

    private static string PagePath(string pathAndQueryStart, string? cursor, int limit)
    {
        var path = new StringBuilder(pathAndQueryStart).Append("limit=").Append(limit.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (cursor is not null)
        {
            path.Append("&cursor=").Append(Uri.EscapeDataString(cursor));
        }

        return path.ToString();
    }

    private static string Escape(string segment)
    {
        ArgumentException.ThrowIfNullOrEmpty(segment);
        return Uri.EscapeDataString(segment);
    }
}
