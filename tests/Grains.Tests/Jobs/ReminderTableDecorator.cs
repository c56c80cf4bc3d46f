using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Grains.Tests.Jobs;

/// <summary>Puts a test's reminder table in front of the one a silo was configured with.</summary>
internal static class ReminderTableDecorator
{
    /// <summary>Replaces the silo's <see cref="IReminderTable"/> with <paramref name="wrap"/> of the table it had.</summary>
    public static void Decorate(IServiceCollection services, Func<IReminderTable, IReminderTable> wrap)
    {
        var original = services.Last(d => d.ServiceType == typeof(IReminderTable));
        services.Remove(original);
        services.AddSingleton(sp => wrap((IReminderTable)(original.ImplementationInstance
            ?? original.ImplementationFactory?.Invoke(sp)
            ?? ActivatorUtilities.CreateInstance(sp, original.ImplementationType!))));
    }
}
