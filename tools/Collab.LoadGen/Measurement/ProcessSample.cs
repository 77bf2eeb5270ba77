using System.Diagnostics;
using System.Globalization;

namespace Collab.LoadGen.Measurement;

/// <summary>
/// CPU time (utime + stime from /proc/&lt;pid&gt;/stat) and resident memory (VmRSS from /proc/&lt;pid&gt;/status)
/// of a process at one moment.
/// </summary>
internal readonly record struct ProcessSample(long Timestamp, double CpuSeconds, long RssBytes)
{
    public static ProcessSample? Read(int? pid)
    {
        if (pid is not { } id)
        {
            return null;
        }

        try
        {
            var timestamp = Stopwatch.GetTimestamp();
            var stat = File.ReadAllText($"/proc/{id}/stat");
            // The command name (field 2) may contain spaces and parentheses: fields are counted after the last ')'.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            var rss = 0L;
            foreach (var line in File.ReadLines($"/proc/{id}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    var kib = line["VmRSS:".Length..].Trim().Split(' ')[0];
                    rss = long.Parse(kib, CultureInfo.InvariantCulture) * 1024;
                    break;
                }
            }

            return new ProcessSample(timestamp, (double)ticks / Posix.ClockTicksPerSecond, rss);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    /// <summary>
    /// The sum over several processes (the replicas of a run): CPU seconds and RSS added up, the first one's timestamp;
    /// null when any of them cannot be read.
    /// </summary>
    public static ProcessSample? Sum(IEnumerable<int?> pids)
    {
        ProcessSample? total = null;
        foreach (var pid in pids)
        {
            if (Read(pid) is not { } sample)
            {
                return null;
            }

            total = total is { } t ? t with { CpuSeconds = t.CpuSeconds + sample.CpuSeconds, RssBytes = t.RssBytes + sample.RssBytes } : sample;
        }

        return total;
    }

    public static double SecondsBetween(long from, long to) => (double)(to - from) / Stopwatch.Frequency;
}
