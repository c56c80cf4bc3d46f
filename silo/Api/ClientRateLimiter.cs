// Design: one token bucket per client id, created on the client's first request and kept in a partitioned limiter
// (System.Threading.RateLimiting, part of ASP.NET Core). Buckets refill on the limiter's own timer; an idle full bucket
// is dropped by the partitioned limiter, so memory follows the active clients, not every key ever seen. The check runs
// after authentication, so unknown keys never create a bucket. In a PostgreSql cluster a client's rate is one budget
// for all silos (ClusterRateBudget); this silo's own bucket then decides only while that budget cannot be reached.
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Marketplace.Silo.Api;

/// <summary>Admits or refuses a client's request by its token bucket (see <see cref="RateLimitOptions"/>).</summary>
internal sealed class ClientRateLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<string>? _limiter;
    private readonly RateLimitOptions _settings;
    private readonly ClusterRateBudget? _cluster;

    public ClientRateLimiter(IOptions<RateLimitOptions> options, ClusterRateBudget? cluster = null)
    {
        var settings = options.Value;
        _settings = settings;
        _cluster = cluster;
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

    /// <summary>Takes one request from <paramref name="clientId"/>'s budget (the cluster's, else this silo's bucket);
    /// throws a 429 problem with <c>Retry-After</c> when it is spent.</summary>
    public async ValueTask AdmitAsync(string clientId)
    {
        if (_limiter is null)
        {
            return;
        }

        if (_cluster is not null)
        {
            var limit = _settings.For(clientId);
            switch (await _cluster.TryTakeAsync(clientId, limit))
            {
                case BudgetAnswer.Admitted:
                    return;
                case BudgetAnswer.Refused:
                    throw RateLimited(Math.Max(1, (int)Math.Ceiling(1.0 / limit.RequestsPerSecond)));
            }
        }

        using var lease = _limiter.AttemptAcquire(clientId);
        if (lease.IsAcquired)
        {
            return;
        }

        throw RateLimited(lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter)
            ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds))
            : 1);
    }

    private static ApiProblemException RateLimited(int seconds)
    {
        var problem = new ApiProblemException(ProblemCodes.RateLimited, $"Too many requests for this API key; try again in {seconds} s.");
        problem.Headers["Retry-After"] = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return problem;
    }

    public void Dispose() => _limiter?.Dispose();
}
