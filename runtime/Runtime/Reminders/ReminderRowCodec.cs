using System.Globalization;

namespace Marketplace.Runtime.Reminders;

/// <summary>Validation and column conversions shared by the reminder tables.</summary>
internal static class ReminderRowCodec
{
    /// <summary>Longest grain id text the GrainId column holds.</summary>
    public const int MaxGrainIdLength = 512;

    /// <summary>Longest reminder name the ReminderName column holds.</summary>
    public const int MaxReminderNameLength = 150;

    private const string SqliteTimeFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";

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
        if (reminderName.Length > MaxReminderNameLength)
        {
            throw new ArgumentException($"A reminder name can have at most {MaxReminderNameLength} characters.", nameof(reminderName));
        }

        if (grainId.Type.Length + 1 + grainId.Key.Length > MaxGrainIdLength)
        {
            throw new ArgumentException($"The grain id {grainId} is longer than {MaxGrainIdLength} characters.", nameof(grainId));
        }
    }

    /// <summary>A UTC time truncated to whole milliseconds (the stored precision). Unspecified kinds count as UTC.</summary>
    public static DateTime ToStoredTime(DateTime time)
    {
        var utc = time.Kind == DateTimeKind.Local ? time.ToUniversalTime() : DateTime.SpecifyKind(time, DateTimeKind.Utc);
        return new DateTime(utc.Ticks - (utc.Ticks % TimeSpan.TicksPerMillisecond), DateTimeKind.Utc);
    }

    /// <summary>A period in whole milliseconds (the stored precision).</summary>
    public static long ToStoredPeriod(TimeSpan period) => period.Ticks / TimeSpan.TicksPerMillisecond;

    /// <summary>SQLite text form of a stored time.</summary>
    public static string FormatSqliteTime(DateTime storedTime) => storedTime.ToString(SqliteTimeFormat, CultureInfo.InvariantCulture);

    /// <summary>Parses the SQLite text form of a stored time.</summary>
    public static DateTime ParseSqliteTime(string text) =>
        DateTime.ParseExact(text, SqliteTimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);

    /// <summary>The ETag text of a version.</summary>
    public static string FormatETag(long version) => version.ToString(CultureInfo.InvariantCulture);

    /// <summary>The version in an ETag, or null when the ETag was not issued by a table.</summary>
    public static int? ParseETag(string? eTag) =>
        int.TryParse(eTag, NumberStyles.None, CultureInfo.InvariantCulture, out var version)
        && eTag == version.ToString(CultureInfo.InvariantCulture) ? version : null;

    /// <summary>True when <paramref name="hash"/> lies in the ring range (begin, end]; begin == end is the whole ring.</summary>
    public static bool InRange(uint hash, uint begin, uint end) =>
        begin < end ? hash > begin && hash <= end
        : begin > end ? hash > begin || hash <= end
        : true;
}
