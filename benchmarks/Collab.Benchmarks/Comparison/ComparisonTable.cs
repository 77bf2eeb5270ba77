using System.Globalization;
using System.Reflection;
using System.Text;
using BenchmarkDotNet.Reports;

namespace Collab.Benchmarks.Comparison;

/// <summary>Pairs BenchmarkDotNet results with the yjs baseline and renders "ours | yjs | ratio" as markdown.</summary>
public static class ComparisonTable
{
    /// <summary>Mean milliseconds per operation of every benchmark that names a baseline workload.</summary>
    public static Dictionary<string, double> OurTimes(IEnumerable<Summary> summaries)
    {
        var times = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var report in summaries.SelectMany(s => s.Reports))
        {
            var workload = report.BenchmarkCase.Descriptor.WorkloadMethod.GetCustomAttribute<YjsBaselineAttribute>()?.Workload;
            if (workload is not null && report.ResultStatistics is { } stats)
            {
                times[workload] = stats.Mean / 1_000_000.0;
            }
        }

        return times;
    }

    public static string Render(Dictionary<string, double> ours, Dictionary<string, long> ourBytes, Dictionary<string, BaselineResult> yjs, string environment)
    {
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"## Collab.Yjs vs yjs ({environment}, {Environment.ProcessorCount} cores, .NET {Environment.Version})");
        sb.AppendLine();
        sb.AppendLine("Time: mean per operation over the measured iterations. Ratio = ours / yjs (below 1: Collab.Yjs is faster or smaller).");
        sb.AppendLine();
        sb.AppendLine("| workload | ours | yjs | ratio |");
        sb.AppendLine("| --- | ---: | ---: | ---: |");
        foreach (var (workload, ms) in ours)
        {
            yjs.TryGetValue(workload, out var baseline);
            sb.AppendLine(CultureInfo.InvariantCulture, $"| {workload} | {Ms(ms)} | {Theirs(baseline, b => b.MeanMs, Ms)} | {Ratio(ms, baseline, b => b.MeanMs)} |");
        }

        foreach (var (workload, bytes) in ourBytes)
        {
            yjs.TryGetValue(workload, out var baseline);
            sb.AppendLine(CultureInfo.InvariantCulture, $"| {workload} | {Bytes(bytes)} | {Theirs(baseline, b => b.Bytes, v => Bytes((long)v))} | {Ratio(bytes, baseline, b => b.Bytes)} |");
        }

        return sb.ToString();
    }

    private static string Format(double ratio) => ratio.ToString(ratio < 0.1 ? "0.0000" : "0.00", CultureInfo.InvariantCulture);

    private static string Ms(double ms) => ms >= 100 ? $"{ms:N0} ms" : $"{ms:N2} ms";

    private static string Bytes(long b) => $"{b / 1024.0 / 1024.0:N2} MiB";

    private static string Theirs(BaselineResult? b, Func<BaselineResult, double?> value, Func<double, string> format) => b switch
    {
        null => "not run",
        { TimedOutAfterS: { } s } => $"> {s:N0} s (timed out)",
        { Error: not null } => "failed",
        _ => value(b) is { } v ? format(v) : "n/a",
    };

    private static string Ratio(double ours, BaselineResult? b, Func<BaselineResult, double?> value) => b switch
    {
        { TimedOutAfterS: { } s } => "< " + Format(ours / (s * 1000)),
        not null when value(b) is { } v && v > 0 => Format(ours / v),
        _ => "–",
    };
}
