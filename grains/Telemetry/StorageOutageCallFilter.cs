using System.Data.Common;
using Orleans.Storage;

namespace Marketplace.Grains;

/// <summary>
/// Turns a database failure escaping a grain call (a <see cref="DbException"/> from PostgreSQL or SQLite, however
/// wrapped) into <see cref="ClusterStorageUnavailableException"/>. The database's own exception types have no Orleans
/// codec, so a caller on another silo would get a serialization failure instead of the cause; this one crosses silos
/// and the API answers it 503 <c>unavailable</c>. Every other exception passes unchanged (an
/// <see cref="InconsistentStateException"/> among them, which Orleans needs to see to drop the activation).
/// </summary>
internal sealed class StorageOutageCallFilter : IIncomingGrainCallFilter
{
    /// <inheritdoc />
    public async Task Invoke(IIncomingGrainCallContext context)
    {
        try
        {
            await context.Invoke();
        }
        catch (Exception exception) when (exception is not InconsistentStateException && DatabaseFailure(exception) is { } database)
        {
            throw new ClusterStorageUnavailableException(
                $"the cluster's storage did not answer ({database.GetType().Name}: {database.Message}); the request may not have taken effect, retry shortly");
        }
    }

    /// <summary>The database failure <paramref name="exception"/> is or wraps, or null.</summary>
    internal static DbException? DatabaseFailure(Exception exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            if (e is DbException database)
            {
                return database;
            }
        }

        return null;
    }
}
