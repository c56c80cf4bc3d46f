using Microsoft.Extensions.Options;

namespace Marketplace.Silo.Api;

/// <summary>Rejects a rate limit that could never admit a request, naming the field and its value.</summary>
internal sealed class RateLimitOptionsValidator : IValidateOptions<RateLimitOptions>
{
    public ValidateOptionsResult Validate(string? name, RateLimitOptions options)
    {
        var failures = new List<string>();
        Check(failures, RateLimitOptions.Section, options.RequestsPerSecond, options.Burst);
        foreach (var (client, limit) in options.Clients)
        {
            Check(failures, $"{RateLimitOptions.Section}:Clients:{client}", limit.RequestsPerSecond, limit.Burst);
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Check(List<string> failures, string prefix, int perSecond, int burst)
    {
        if (perSecond < 1)
        {
            failures.Add($"{prefix}:RequestsPerSecond is {perSecond}; it must be at least 1.");
        }

        if (burst < 1)
        {
            failures.Add($"{prefix}:Burst is {burst}; it must be at least 1.");
        }
    }
}
