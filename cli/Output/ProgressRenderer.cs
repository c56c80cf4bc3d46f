// Design: one line per transfer, redrawn in place with a carriage return at most every RedrawInterval of the injected
// clock (so a fast transfer does not flood the terminal, and tests drive time by hand), and ended with a newline when
// the transfer completes. The caller decides whether to draw at all: only on a terminal, never with --json or --quiet.
using System.Globalization;

namespace Marketplace.Cli.Output;

/// <summary>Draws a transfer's progress on a text writer: description, bar, percent, bytes done of the total, and the
/// average rate since the start. Thread-safe.</summary>
internal sealed class ProgressRenderer : IProgress<long>
{
    /// <summary>The least time between two redraws.</summary>
    public static readonly TimeSpan RedrawInterval = TimeSpan.FromMilliseconds(200);

    private const int BarWidth = 24;
    private readonly TextWriter _writer;
    private readonly TimeProvider _clock;
    private readonly string _description;
    private readonly long? _total;
    private readonly long _started;
    private readonly Lock _gate = new();
    private long _lastDraw = long.MinValue;
    private long _bytes;
    private int _lastLength;
    private bool _completed;

    public ProgressRenderer(TextWriter writer, TimeProvider clock, string description, long? total)
    {
        _writer = writer;
        _clock = clock;
        _description = description;
        _total = total is > 0 ? total : null;
        _started = clock.GetTimestamp();
    }

    /// <summary>Records the bytes done so far and redraws when the last draw is old enough.</summary>
    public void Report(long value)
    {
        lock (_gate)
        {
            _bytes = value;
            var now = _clock.GetTimestamp();
            if (!_completed && (_lastDraw == long.MinValue || _clock.GetElapsedTime(_lastDraw, now) >= RedrawInterval))
            {
                Draw(now);
            }
        }
    }

    /// <summary>Draws the final line (all of the total when it is known) and ends it.</summary>
    public void Complete()
    {
        lock (_gate)
        {
            if (_completed)
            {
                return;
            }

            _completed = true;
            if (_total is { } total)
            {
                _bytes = Math.Max(_bytes, total);
            }

            Draw(_clock.GetTimestamp());
            _writer.WriteLine();
            _writer.Flush();
        }
    }

    /// <summary>The line for <paramref name="bytes"/> done at <paramref name="bytesPerSecond"/>.</summary>
    public static string Format(string description, long bytes, long? total, double bytesPerSecond)
    {
        var rate = Size((long)bytesPerSecond) + "/s";
        if (total is not { } all)
        {
            return $"{description}  {Size(bytes)}  {rate}";
        }

        var fraction = Math.Clamp((double)bytes / all, 0, 1);
        var filled = (int)Math.Floor(fraction * BarWidth);
        var bar = new string('#', filled) + new string('-', BarWidth - filled);
        var percent = ((int)Math.Floor(fraction * 100)).ToString(CultureInfo.InvariantCulture).PadLeft(3);
        return $"{description} [{bar}] {percent}%  {Size(bytes)} / {Size(all)}  {rate}";
    }

    /// <summary>Bytes in B, KiB, MiB or GiB with one decimal.</summary>
    public static string Size(long bytes) => bytes switch
    {
        < 1024 => bytes.ToString(CultureInfo.InvariantCulture) + " B",
        < 1L << 20 => (bytes / 1024.0).ToString("F1", CultureInfo.InvariantCulture) + " KiB",
        < 1L << 30 => (bytes / (double)(1L << 20)).ToString("F1", CultureInfo.InvariantCulture) + " MiB",
        _ => (bytes / (double)(1L << 30)).ToString("F1", CultureInfo.InvariantCulture) + " GiB",
    };

    private void Draw(long now)
    {
        var seconds = _clock.GetElapsedTime(_started, now).TotalSeconds;
        var line = Format(_description, _bytes, _total, seconds > 0 ? _bytes / seconds : 0);
        // Pad over what a longer previous line left on the terminal.
        var padding = Math.Max(0, _lastLength - line.Length);
        _writer.Write('\r');
        _writer.Write(line);
        _writer.Write(new string(' ', padding));
        _writer.Flush();
        _lastLength = line.Length;
        _lastDraw = now;
    }
}
