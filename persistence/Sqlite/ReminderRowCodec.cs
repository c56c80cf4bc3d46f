using System.Globalization;

namespace Marketplace.Persistence.Sqlite;

/// <summary>Validation and column conversions of reminder rows.</summary>
internal static class ReminderRowCodec
{
    private const string TimeFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";

    /// <summary>Checks a row before it is stored; throws <see cref="ArgumentException"/> for bad input.</summary>
    public static void Validate(ReminderEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ValidateKey(entry.GrainId, entry.ReminderName);
        if (entry.Period < TimeSpan.Zero)
        {
            throw new ArgumentException($"Reminder '{entry.ReminderName}' has a negative period {entry.Period}.", nameof(entry));
        }
    }

    /// <summary>Checks a grain id and reminder name.</summary>
    public static void ValidateKey(GrainId grainId, string reminderName)
    {
        if (grainId.IsDefault)
        {
            throw new ArgumentException("The grain id is the default (empty) value.", nameof(grainId));
        }

        ArgumentException.ThrowIfNullOrEmpty(reminderName);
    }

    /// <summary>A UTC time truncated to whole milliseconds (the stored precision). Unspecified kinds count as UTC.</summary>
    public static DateTime ToStoredTime(DateTime time)
    {
        var utc = time.Kind == DateTimeKind.Local ? time.ToUniversalTime() : DateTime.SpecifyKind(time, DateTimeKind.Utc);
        return new DateTime(utc.Ticks - (utc.Ticks % TimeSpan.TicksPerMillisecond), DateTimeKind.Utc);
    }

    /// <summary>A period in whole milliseconds (the stored precision).</summary>
    public static long ToStoredPeriod(TimeSpan period) => period.Ticks / TimeSpan.TicksPerMillisecond;

    /// <summary>Text form of a stored time.</summary>
    public static string FormatTime(DateTime storedTime) => storedTime.ToString(TimeFormat, CultureInfo.InvariantCulture);

    /// <summary>Parses the text form of a stored time.</summary>
    public static DateTime ParseTime(string text) =>
        DateTime.ParseExact(text, TimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);

    /// <summary>The ETag text of a version.</summary>
    public static string FormatETag(long version) => version.ToString(CultureInfo.InvariantCulture);

    /// <summary>The version in an ETag, or null when the ETag was not issued by the table.</summary>
    public static long? ParseETag(string? eTag) =>
        long.TryParse(eTag, NumberStyles.None, CultureInfo.InvariantCulture, out var version)
        && eTag == version.ToString(CultureInfo.InvariantCulture) ? version : null;

    /// <summary>
    /// True when <paramref name="hash"/> lies in Orleans' ring range: (begin, end] when begin &lt; end; when begin
    /// &gt;= end the range wraps: hash &gt; begin or hash &lt;= end (begin == end is the whole ring).
    /// </summary>
    public static bool InRange(uint hash, uint begin, uint end) =>
        begin < end ? hash > begin && hash <= end : hash > begin || hash <= end;
}
