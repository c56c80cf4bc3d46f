using System.Text.Json;
using Marketplace.GrainInterfaces.Json;
using Microsoft.Net.Http.Headers;

namespace Marketplace.Silo.Api;

/// <summary>Reads JSON request bodies in the wire format, turning every kind of bad body into a typed problem.</summary>
internal static class JsonRequestBody
{
    /// <summary>Reads a <typeparamref name="T"/> from a body that must be <c>application/json</c> (or <c>+json</c>).
    /// The body size limit is the server's (<see cref="ApiOptions.MaxJsonBodyBytes"/>).</summary>
    public static async Task<T> ReadAsync<T>(HttpRequest request)
        where T : class
    {
        if (!IsJson(request.ContentType))
        {
            throw new ApiProblemException(
                ProblemCodes.UnsupportedMediaType,
                $"The body must be application/json, not '{request.ContentType ?? "(none)"}'.");
        }

        var value = await JsonSerializer.DeserializeAsync<T>(request.Body, MarketplaceJson.Options, request.HttpContext.RequestAborted);
        return value ?? throw new ApiProblemException(ProblemCodes.InvalidJson, "The body must be a JSON object, not null.");
    }

    /// <summary>A problem detail for a JSON error that names the member and drops parser positions.</summary>
    public static string Describe(JsonException exception)
    {
        var message = exception.Message;
        var cut = message.IndexOf(" Path: ", StringComparison.Ordinal);
        if (cut >= 0)
        {
            message = message[..cut];
        }

        if (exception.InnerException is FormatException or InvalidOperationException)
        {
            message = $"{message} ({exception.InnerException.Message})";
        }

        return exception.Path is { Length: > 0 } path and not "$"
            ? $"The JSON body is invalid at '{path}': {message}"
            : $"The JSON body is invalid: {message}";
    }

    private static bool IsJson(string? contentType)
    {
        if (contentType is null || !MediaTypeHeaderValue.TryParse(contentType, out var parsed))
        {
            return false;
        }

        var mediaType = parsed.MediaType.Value ?? "";
        return mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
               || mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase);
    }
}
