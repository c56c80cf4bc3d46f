using Marketplace.GrainInterfaces.Json;

namespace Marketplace.Silo.Api;

/// <summary>Shorthands for describing endpoints in the OpenAPI document.</summary>
internal static class OpenApiConventions
{
    /// <summary>Declares problem+json answers with these statuses.</summary>
    public static RouteHandlerBuilder ProducesProblems(this RouteHandlerBuilder builder, params int[] statuses)
    {
        foreach (var status in statuses)
        {
            builder.Produces<ApiProblem>(status, ApiProblem.MediaType);
        }

        return builder;
    }

    /// <summary>Declares a JSON request body of <typeparamref name="T"/>.</summary>
    public static RouteHandlerBuilder AcceptsJson<T>(this RouteHandlerBuilder builder)
        where T : notnull => builder.Accepts<T>("application/json");
}
