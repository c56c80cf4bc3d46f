using System.Net.Http.Headers;
using System.Text.Json;
using Marketplace.GrainInterfaces;
using Marketplace.GrainInterfaces.Json;

namespace Marketplace.Sdk;

/// <summary>Turns the API's problem+json answers back into the typed errors the grains throw.</summary>
internal static class HttpProblems
{
    /// <summary>Largest error body read (a problem is small; anything bigger is not ours).</summary>
    private const int MaxProblemBytes = 64 * 1024;

    public static async Task<MarketplaceException> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        ApiProblem? problem = null;
        if (IsJson(response.Content.Headers.ContentType))
        {
            try
            {
                var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
                var buffer = new byte[MaxProblemBytes];
                var read = await stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken);
                problem = JsonSerializer.Deserialize<ApiProblem>(buffer.AsSpan(0, read), MarketplaceJson.Options);
            }
            catch (JsonException)
            {
                problem = null;
            }
        }

        if (problem is null || string.IsNullOrEmpty(problem.Code))
        {
            return new HttpApiException(status, HttpApiException.UnexpectedResponseCode,
                $"The server answered {status} {response.ReasonPhrase} without a problem description.");
        }

        return Create(status, problem.Code, string.IsNullOrEmpty(problem.Detail) ? problem.Title : problem.Detail, problem.TraceId);
    }

    /// <summary>The typed error for <paramref name="code"/>, or <see cref="HttpApiException"/> for codes without one.</summary>
    public static MarketplaceException Create(int status, string code, string detail, string? traceId) => code switch
    {
        AccessDeniedException.ErrorCode => new AccessDeniedException(detail),
        GatewayRefusedException.ErrorCode => new GatewayRefusedException(detail),
        AmountOverflowException.ErrorCode => new AmountOverflowException(detail),
        EvidenceInvalidException.ErrorCode => new EvidenceInvalidException(detail),
        InsufficientFundsException.ErrorCode => new InsufficientFundsException(detail),
        SettlementConflictException.ErrorCode => new SettlementConflictException(detail),
        StateNotKeptException.ErrorCode => new StateNotKeptException(detail),
        BlobAccessListFullException.ErrorCode => new BlobAccessListFullException(detail),
        BlobEmptyException.ErrorCode => new BlobEmptyException(detail),
        BlobIntegrityException.ErrorCode => new BlobIntegrityException(detail),
        BlobNotFoundException.ErrorCode => new BlobNotFoundException(detail),
        BlobStoreException.ErrorCode => new BlobStoreException(detail),
        BlobTooLargeException.ErrorCode => new BlobTooLargeException(detail),
        InvalidRequestException.ErrorCode => new InvalidRequestException(detail),
        JobConflictException.ErrorCode => new JobConflictException(detail),
        JobNotFoundException.ErrorCode => new JobNotFoundException(detail),
        DealNotFoundException.ErrorCode => new DealNotFoundException(detail),
        DealNotPlacedException.ErrorCode => new DealNotPlacedException(detail),
        ProviderNotFoundException.ErrorCode => new ProviderNotFoundException(detail),
        StorageUnavailableException.ErrorCode => new StorageUnavailableException(detail),
        RequestIdConflictException.ErrorCode => new RequestIdConflictException(detail),
        QuotaExceededException.ErrorCode => new QuotaExceededException(detail),
        ProgramNotFoundException.ErrorCode => new ProgramNotFoundException(detail),
        ProgramRejectedException.ErrorCode => new ProgramRejectedException(detail),
        WorkerNotFoundException.ErrorCode => new WorkerNotFoundException(detail),
        WorkerRejectedException.ErrorCode => new WorkerRejectedException(detail),
        _ => new HttpApiException(status, code, detail, traceId),
    };

    private static bool IsJson(MediaTypeHeaderValue? contentType) =>
        contentType?.MediaType is { } mediaType
        && (mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase));
}
