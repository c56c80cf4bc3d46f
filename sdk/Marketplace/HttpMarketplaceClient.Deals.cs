using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using Marketplace.GrainInterfaces;

namespace Marketplace.Sdk;

/// <content>Storage deals over <c>/v1/deals</c>.</content>
public sealed partial class HttpMarketplaceClient
{
    /// <inheritdoc />
    public Task<DealStatus> StoreAsync(byte[] content, DurabilityPolicy? policy = null, long? maxPricePerGiBMonth = null, string? dealId = null, int? durationDays = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        var body = new ByteArrayContent(content);
        body.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return SendJsonAsync<DealStatus>(HttpMethod.Post, StorePath(policy, maxPricePerGiBMonth, dealId, durationDays), body, cancellationToken);
    }

    /// <inheritdoc />
    public Task<DealStatus> StoreAsync(Stream content, DurabilityPolicy? policy = null, long? maxPricePerGiBMonth = null, string? dealId = null, int? durationDays = null, IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        var body = new HttpProgressContent(content, progress);
        body.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return SendJsonAsync<DealStatus>(HttpMethod.Post, StorePath(policy, maxPricePerGiBMonth, dealId, durationDays), body, cancellationToken);
    }

    /// <inheritdoc />
    public Task<DealStatus> StoreBlobAsync(string blobId, DurabilityPolicy? policy = null, long? maxPricePerGiBMonth = null, string? dealId = null, int? durationDays = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(blobId);
        var path = StorePath(policy, maxPricePerGiBMonth, dealId, durationDays) + "&blob_id=" + Uri.EscapeDataString(blobId);
        return SendJsonAsync<DealStatus>(HttpMethod.Post, path, new ByteArrayContent([]), cancellationToken);
    }

    /// <inheritdoc />
    public Task RetrieveAsync(string dealId, Stream destination, long offset = 0, long? length = null, IProgress<long>? progress = null, CancellationToken cancellationToken = default) =>
        DownloadAsync($"v1/deals/{Escape(dealId)}/content", destination, offset, length, progress, cancellationToken);

    private static string StorePath(DurabilityPolicy? policy, long? maxPricePerGiBMonth, string? dealId, int? durationDays)
    {
        var path = new StringBuilder("v1/deals?");
        var p = policy ?? DurabilityPolicy.Dev;
        path.Append(CultureInfo.InvariantCulture, $"k={p.DataFragments}&m={p.ParityFragments}");
        if (durationDays is { } days)
        {
            path.Append(CultureInfo.InvariantCulture, $"&duration_days={days}");
        }

        if (maxPricePerGiBMonth is { } price)
        {
            path.Append(CultureInfo.InvariantCulture, $"&max_price_per_gib_month={price}");
        }

        if (dealId is not null)
        {
            path.Append("&deal_id=").Append(Uri.EscapeDataString(dealId));
        }

        return path.ToString();
    }

    /// <inheritdoc />
    public Task<DealStatus> GetDealAsync(string dealId, CancellationToken cancellationToken = default) =>
        SendJsonAsync<DealStatus>(HttpMethod.Get, $"v1/deals/{Escape(dealId)}", null, cancellationToken);

    /// <inheritdoc />
    public Task<DealList> ListDealsAsync(int limit = 20, CancellationToken cancellationToken = default) =>
        SendJsonAsync<DealList>(HttpMethod.Get, "v1/deals?limit=" + limit.ToString(CultureInfo.InvariantCulture), null, cancellationToken);

    /// <inheritdoc />
    public async Task<byte[]> RetrieveAsync(string dealId, long offset = 0, long? length = null, CancellationToken cancellationToken = default)
    {
        using var request = NewRequest(HttpMethod.Get, $"v1/deals/{Escape(dealId)}/content");
        request.Headers.Accept.Clear();
        if (offset != 0 || length is not null)
        {
            request.Headers.Range = new RangeHeaderValue(offset, length is { } n ? offset + n - 1 : null);
        }

        using var response = await SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
        return await response.Content.ReadAsByteArrayAsync(cancellationToken);
    }

    /// <inheritdoc />
    public Task<DealStatus> DeleteDealAsync(string dealId, CancellationToken cancellationToken = default) =>
        SendJsonAsync<DealStatus>(HttpMethod.Delete, $"v1/deals/{Escape(dealId)}", null, cancellationToken);

    /// <inheritdoc />
    public Task<DealStatus> AuditDealAsync(string dealId, CancellationToken cancellationToken = default) =>
        SendJsonAsync<DealStatus>(HttpMethod.Post, $"v1/deals/{Escape(dealId)}/audit", null, cancellationToken);
}
