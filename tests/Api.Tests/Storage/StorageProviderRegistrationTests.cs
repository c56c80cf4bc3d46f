using System.Collections.Concurrent;
using System.Reflection;
using Marketplace.GrainInterfaces;
using Marketplace.Grains.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Xunit;

namespace Marketplace.Api.Tests.Storage;

/// <summary>A starting silo registers its storage providers side by side and asks again when a busy cluster does not
/// answer, instead of failing its start: the grain calls are answered by a scripted stand-in for the cluster.</summary>
public sealed class StorageProviderRegistrationTests : IDisposable
{
    private readonly string _dataFolder = Directory.CreateTempSubdirectory("mkt-provider-registration-").FullName;

    [Fact]
    public async Task The_providers_register_side_by_side_and_a_timed_out_call_is_asked_again()
    {
        var cluster = new ScriptedCluster();
        using var providers = Providers(2);
        var registration = Registration(cluster, providers);

        // The first provider's first call times out; each provider's registration is held until both have asked,
        // which only registrations made side by side get past.
        cluster.FailFirst("p1");
        cluster.HoldUntil(2);
        await registration.StartAsync(CancellationToken.None).WaitAsync(TimeSpan.FromMinutes(1));

        Assert.Equal(["p1", "p2"], cluster.Registered.OrderBy(id => id, StringComparer.Ordinal));
        Assert.Equal(3, cluster.RegisterCalls);
        Assert.Equal(["p1", "p2"], cluster.Activated.OrderBy(id => id, StringComparer.Ordinal));
        Assert.All(cluster.PublicKeys.Values, key => Assert.Equal(96, key.Length));
    }

    [Fact]
    public async Task A_refusal_that_is_not_a_busy_cluster_stops_the_start_while_another_provider_still_waits_for_an_answer()
    {
        var cluster = new ScriptedCluster();
        using var providers = Providers(2);
        var registration = Registration(cluster, providers);
        cluster.Refuse("p1");
        cluster.FailFirst("p2", int.MaxValue);

        // p2 would be asked again for ever; the refusal of p1 ends the start all the same.
        await Assert.ThrowsAsync<InvalidOperationException>(() => registration.StartAsync(CancellationToken.None).WaitAsync(TimeSpan.FromMinutes(1)));
        Assert.Empty(cluster.Registered);
    }

    public void Dispose() => Directory.Delete(_dataFolder, recursive: true);

    private static StorageProviderRegistration Registration(ScriptedCluster cluster, LocalStorageProviders providers) =>
        new(cluster.Factory, providers, TimeProvider.System, NullLogger<StorageProviderRegistration>.Instance);

    private LocalStorageProviders Providers(int count)
    {
        var options = new StorageOptions { DefaultProviders = count, DefaultProviderPrefix = "p" };
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Marketplace:DataFolder"] = _dataFolder }).Build();
        return new LocalStorageProviders(Options.Create(options), configuration);
    }

    /// <summary>Answers <see cref="IGrainFactory.GetGrain{TGrainInterface}(string, string)"/> for the two grain
    /// interfaces the registration calls, as the script says.</summary>
    private sealed class ScriptedCluster
    {
        private readonly ConcurrentDictionary<string, int> _failuresLeft = new(StringComparer.Ordinal);
        private readonly HashSet<string> _refused = new(StringComparer.Ordinal);
        private readonly TaskCompletionSource _allAsked = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _holdUntil;
        private int _asked;
        private int _registerCalls;

        public ScriptedCluster() => Factory = Proxy<IGrainFactory>(GetGrain);

        public IGrainFactory Factory { get; }

        public ConcurrentBag<string> Registered { get; } = [];

        public ConcurrentBag<string> Activated { get; } = [];

        public ConcurrentDictionary<string, string> PublicKeys { get; } = new(StringComparer.Ordinal);

        public int RegisterCalls => Volatile.Read(ref _registerCalls);

        public void FailFirst(string providerId, int times = 1) => _failuresLeft[providerId] = times;

        public void Refuse(string providerId) => _refused.Add(providerId);

        public void HoldUntil(int asked) => _holdUntil = asked;

        private async Task RegisterAsync(string providerId, string publicKey)
        {
            Interlocked.Increment(ref _registerCalls);
            if (_refused.Contains(providerId))
            {
                throw new InvalidOperationException($"provider {providerId} is registered with another key");
            }

            if (_failuresLeft.TryGetValue(providerId, out var left) && left > 0)
            {
                _failuresLeft[providerId] = left - 1;
                throw new TimeoutException($"the directory did not answer for {providerId}");
            }

            if (_holdUntil > 0)
            {
                if (Interlocked.Increment(ref _asked) >= _holdUntil)
                {
                    _allAsked.TrySetResult();
                }

                await _allAsked.Task;
            }

            PublicKeys[providerId] = publicKey;
            Registered.Add(providerId);
        }

        private object? GetGrain(MethodInfo method, object?[]? arguments)
        {
            var type = method.GetGenericArguments()[0];
            var key = (string)arguments![0]!;
            if (type == typeof(IStorageProviderDirectoryGrain))
            {
                return Proxy<IStorageProviderDirectoryGrain>((call, args) => call.Name == nameof(IStorageProviderDirectoryGrain.RegisterAsync)
                    ? RegisterAsync((string)args![0]!, (string)args[1]!)
                    : throw new NotSupportedException(call.Name));
            }

            if (type == typeof(IStorageProviderGrain))
            {
                return Proxy<IStorageProviderGrain>((call, _) =>
                {
                    if (call.Name != nameof(IStorageProviderGrain.GetInfoAsync))
                    {
                        throw new NotSupportedException(call.Name);
                    }

                    Activated.Add(key);
                    return Task.FromResult<StorageProviderInfo>(null!);
                });
            }

            throw new NotSupportedException(type.Name);
        }

        private static T Proxy<T>(Func<MethodInfo, object?[]?, object?> handler)
            where T : class
        {
            var proxy = DispatchProxy.Create<T, Handler>();
            ((Handler)(object)proxy).OnCall = handler;
            return proxy;
        }
    }

    /// <summary>Hands every call to <see cref="OnCall"/>.</summary>
    public class Handler : DispatchProxy
    {
        internal Func<MethodInfo, object?[]?, object?> OnCall { get; set; } = (method, _) => throw new NotSupportedException(method.Name);

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) => OnCall(targetMethod!, args);
    }
}
