using Marketplace.Runtime.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Marketplace.Runtime.Streams;

/// <summary>Stream providers on the silo builder.</summary>
public static class StreamingSiloBuilderExtensions
{
    /// <summary>
    /// Adds an in-memory stream provider named <paramref name="name"/>. Explicit grain subscriptions are kept in the grain
    /// storage "PubSubStore" (or "Default"). Grains get it with <c>this.GetStreamProvider(name)</c>; other code from DI
    /// (keyed <see cref="IStreamProvider"/>, or <c>services.GetStreamProvider(name)</c>).
    /// </summary>
    public static ISiloBuilder AddMemoryStreams(this ISiloBuilder builder, string name)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(name);
        builder.Services.AddSingleton(new MemoryStreamProviderName(name));
        builder.Services.TryAddSingleton<StreamProviderRegistry>();
        builder.Services.TryAddSingleton<IStreamProviderSource>(sp => sp.GetRequiredService<StreamProviderRegistry>());
        builder.Services.AddKeyedSingleton<IStreamProvider>(name, (sp, _) => sp.GetRequiredService<StreamProviderRegistry>().Get(name));
        return builder;
    }
}
