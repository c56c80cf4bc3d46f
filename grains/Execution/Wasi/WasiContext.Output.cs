using System.Text;

namespace Marketplace.Grains.Execution.Wasi;

/// <summary>stdout (the job output, capped: passing the cap fails the run) and stderr (log lines, capped: the excess
/// is dropped and counted).</summary>
internal sealed partial class WasiContext
{
    private readonly List<string> _stderrLines = [];
    private readonly List<byte> _stderrLine = [];
    private byte[] _stdout;
    private int _stdoutLength;
    private long _stderrKept;
    private long _stderrDropped;

    /// <summary>The bytes written to stdout so far.</summary>
    public ReadOnlyMemory<byte> Stdout => _stdout.AsMemory(0, _stdoutLength);

    /// <summary>Bytes stdout can still take before the cap.</summary>
    public int StdoutRemaining => Options.StdoutLimitBytes - _stdoutLength;

    /// <summary>Bytes stderr can still keep before the cap.</summary>
    public long StderrRemaining => Options.StderrLimitBytes - _stderrKept;

    /// <summary>Makes room for <paramref name="length"/> more stdout bytes; false when that would pass the cap.</summary>
    public bool TryReserveStdout(long length)
    {
        if (length > StdoutRemaining)
        {
            return false;
        }

        var needed = _stdoutLength + (int)length;
        if (needed > _stdout.Length)
        {
            var size = (int)Math.Min(Math.Max((long)_stdout.Length * 2, needed), Options.StdoutLimitBytes);
            Array.Resize(ref _stdout, size);
        }

        return true;
    }

    /// <summary>Appends bytes to stdout after <see cref="TryReserveStdout"/> made room for them.</summary>
    public void AppendStdout(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(_stdout.AsSpan(_stdoutLength));
        _stdoutLength += bytes.Length;
    }

    /// <summary>Appends bytes to stderr: kept up to the cap, counted as dropped beyond it.</summary>
    public void AppendStderr(ReadOnlySpan<byte> bytes)
    {
        var keep = (int)Math.Min(bytes.Length, StderrRemaining);
        _stderrDropped += bytes.Length - keep;
        _stderrKept += keep;
        foreach (var b in bytes[..keep])
        {
            if (b == (byte)'\n')
            {
                _stderrLines.Add(Encoding.UTF8.GetString(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_stderrLine)));
                _stderrLine.Clear();
            }
            else
            {
                _stderrLine.Add(b);
            }
        }
    }

    /// <summary>The stderr lines: complete lines, then the unterminated last line if any, then a note when bytes
    /// were dropped.</summary>
    public IReadOnlyList<string> StderrLines()
    {
        var lines = new List<string>(_stderrLines);
        if (_stderrLine.Count > 0)
        {
            lines.Add(Encoding.UTF8.GetString(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_stderrLine)));
        }

        if (_stderrDropped > 0)
        {
            lines.Add($"[stderr: {_stderrDropped} more bytes dropped over the {Options.StderrLimitBytes}-byte limit]");
        }

        return lines;
    }
}
