namespace Marketplace.Runtime.Persistence;

/// <summary>
/// A storage provider could not do its work: the database was unreachable, the schema is missing or wrong, a payload
/// could not be (de)serialized, or a key does not fit the table. Never used for ETag conflicts, which are
/// <see cref="Storage.InconsistentStateException"/>.
/// </summary>
public class GrainStorageException : Exception
{
    /// <summary>Creates the exception.</summary>
    public GrainStorageException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public GrainStorageException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the underlying failure.</summary>
    public GrainStorageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception naming the provider, the grain and the state involved.</summary>
    /// <param name="message">What failed.</param>
    /// <param name="providerName">The storage provider's registered name.</param>
    /// <param name="grainId">The grain, or the default value when the failure is not about one grain.</param>
    /// <param name="stateName">The state name, or null when the failure is not about one state.</param>
    /// <param name="innerException">The underlying failure, if any.</param>
    public GrainStorageException(string message, string providerName, GrainId grainId, string? stateName, Exception? innerException)
        : base(Describe(message, providerName, grainId, stateName), innerException)
    {
        ProviderName = providerName;
        GrainId = grainId;
        StateName = stateName;
    }

    /// <summary>The storage provider's registered name, when known.</summary>
    public string? ProviderName { get; }

    /// <summary>The grain whose state was being accessed; the default value when not about one grain.</summary>
    public GrainId GrainId { get; }

    /// <summary>The state name being accessed, when known.</summary>
    public string? StateName { get; }

    private static string Describe(string message, string providerName, GrainId grainId, string? stateName)
    {
        var grain = grainId.IsDefault ? string.Empty : $", grain {grainId}";
        var state = stateName is null ? string.Empty : $", state '{stateName}'";
        return $"{message} (storage '{providerName}'{grain}{state})";
    }
}
