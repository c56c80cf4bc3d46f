using Marketplace.Grains.Hosting;
using Xunit;

namespace Marketplace.Api.Tests;

/// <summary>
/// A fact that goes through grains another part of the project implements: it runs once the silo's grain assembly has
/// a class implementing every named interface, and is skipped loudly (naming the missing part) until then.
/// </summary>
public sealed class GrainFactAttribute : FactAttribute
{
    public GrainFactAttribute(params Type[] grainInterfaces)
    {
        Skip = GrainAvailability.SkipReason(grainInterfaces);
    }
}

/// <summary>Which grain interfaces the marketplace grain assembly implements.</summary>
public static class GrainAvailability
{
    private static readonly Type[] GrainClasses = typeof(MarketplaceSiloBuilderExtensions).Assembly.GetTypes();

    public static string? SkipReason(Type[] grainInterfaces)
    {
        var missing = new List<string>();
        foreach (var grainInterface in grainInterfaces)
        {
            var found = false;
            foreach (var type in GrainClasses)
            {
                if (type is { IsClass: true, IsAbstract: false } && grainInterface.IsAssignableFrom(type))
                {
                    found = true;
                    break;
                }
            }

            if (!found)
            {
                missing.Add(grainInterface.Name);
            }
        }

        return missing.Count == 0
            ? null
            : $"!!! SKIPPED: no grain implements {string.Join(", ", missing)} yet (merge main once that part has landed) !!!";
    }
}
