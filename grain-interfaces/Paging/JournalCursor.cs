using System.Globalization;

namespace Marketplace.GrainInterfaces;

/// <summary>
/// The cursor of a ledger journal listing (<see cref="Listings.LedgerJournalList"/>): the sequence number of the last
/// entry a page returned, so the next page starts after it. The in-memory ledger and the chain settlement keep their
/// journals differently but page them with this one cursor.
/// </summary>
public static class JournalCursor
{
    /// <summary>The sequence a listing continues after: 0 without a cursor (from the oldest entry kept).</summary>
    /// <exception cref="InvalidRequestException">Not a journal cursor, or one naming no positive sequence.</exception>
    public static long Position(string? cursor)
    {
        if (cursor is null)
        {
            return 0;
        }

        var field = PageCursor.Decode(cursor, Listings.LedgerJournalList, 1)[0];
        if (!long.TryParse(field, NumberStyles.None, CultureInfo.InvariantCulture, out var after) || after < 1)
        {
            throw PageCursor.Malformed(cursor);
        }

        return after;
    }

    /// <summary>The cursor of the page that follows the entry with sequence <paramref name="sequence"/>.</summary>
    public static string After(long sequence) =>
        PageCursor.Encode(Listings.LedgerJournalList, sequence.ToString(CultureInfo.InvariantCulture));
}
