// Design: one token bucket per client id, created on the client's first request and kept in a partitioned limiter
// (System.Threading.RateLimiting, part of ASP.NET Core). Buckets refill on the limiter's own timer; an idle full bucket
// is dropped by the partitioned limiter, so memory follows the active clients, not every key ever seen. The check runs
// after authentication, so unknown keys never create a bucket.
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Marketplace.Silo.Api;

/// <summary>Admits or refuses a client's request by its token bucket (see <see cref="RateLimitOptions"/>).</summary>
internal sealed class ClientRateLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<string>? _limiter;

    public ClientRateLimiter(IOptions<RateLimitOptions> options)
    {
        var settings = options.Value;
        if (!settings.Enabled)
        {
            return;
        }

        _limiter = PartitionedRateLimiter.Create<string, string>(clientId =>
        {
            var limit = settings.For(clientId);
            return RateLimitPartition.GetTokenBucketLimiter(clientId, _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = limit.Burst,
                TokensPerPeriod = limit.RequestsPerSecond,
                ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                QueueLimit = 0,
                AutoReplenishment = true,
            });
        });
    }

    /// <summary>Takes one request from <paramref name="clientId"/>'s bucket; throws a 429 problem with
    /// <c>Retry-After</c> when it is empty.</summary>
    public void Admit(string clientId)
    {
        if (_limiter is null)
        {
            return;
        }

        using var lease = _limiter.AttemptAcquire(clientId);
        if (lease.IsAcquired)
        {
            return;
        }

        var seconds = lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter)
            ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds))
            : 1;
        var problem = new ApiProblemException(ProblemCodes.RateLimited, $"Too many requests for this API key; try again in {seconds} s.");
        problem.Headers["Retry-After"] = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        throw problem;
    }

    public void Dispose() => _limiter?.Dispose();
}
