using System.Diagnostics.CodeAnalysis;

namespace Marketplace.GrainInterfaces;

/// <summary>
/// The ids a settlement accepts (clients, jobs, workers, operation ids, evidence hashes): the rules of
/// <see cref="ClientIds"/>, so 1 to 128 characters without control characters, <c>/</c> or surrounding spaces.
/// </summary>
public static class SettlementIds
{
    /// <summary>Returns <paramref name="id"/> when it is well formed, else throws <see cref="InvalidRequestException"/>
    /// naming <paramref name="field"/>.</summary>
    public static string Require([NotNull] string? id, string field) => ClientIds.Require(id, field);

    /// <summary>Returns <paramref name="amount"/> unless it is 0, else throws <see cref="InvalidRequestException"/>
    /// naming <paramref name="field"/>.</summary>
    public static UInt128 RequirePositive(UInt128 amount, string field) => amount != UInt128.Zero
        ? amount
        : throw new InvalidRequestException($"{field}: must be at least 1 smallest unit");
}
