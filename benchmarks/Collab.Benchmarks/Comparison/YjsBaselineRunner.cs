using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Collab.Benchmarks.Workloads;

namespace Collab.Benchmarks.Comparison;

/// <summary>One workload as measured by the yjs baseline: milliseconds per operation, bytes, or why there is no number.</summary>
public sealed record BaselineResult(double? MeanMs, long? Bytes, double? TimedOutAfterS, string? Error);

/// <summary>Runs benchmarks/yjs-baseline/baseline.mjs (real yjs, node --expose-gc) and reads its JSON report.</summary>
public static class YjsBaselineRunner
{
    public static (Dictionary<string, BaselineResult> Results, string Environment) Run(IReadOnlyCollection<string> workloads, int timeoutSecondsPerCase)
    {
        var root = RepositoryRoot.Find();
        var info = new ProcessStartInfo("node")
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var a in new[]
        {
            "--expose-gc", Path.Combine("benchmarks", "yjs-baseline", "baseline.mjs"),
            "--cases", string.Join(',', workloads),
            "--warmup", WorkloadNames.Warmup.ToString(CultureInfo.InvariantCulture),
            "--iterations", WorkloadNames.Iterations.ToString(CultureInfo.InvariantCulture),
            "--timeout-s", timeoutSecondsPerCase.ToString(CultureInfo.InvariantCulture),
        })
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException("node did not start");
        try
        {
            var output = process.StandardOutput.ReadToEndAsync();
            // every case is bounded by the script itself; this only guards against a hung node
            var limit = TimeSpan.FromSeconds((timeoutSecondsPerCase + 60.0) * workloads.Count);
            if (!process.WaitForExit(limit))
            {
                throw new TimeoutException($"the yjs baseline did not finish within {limit}");
            }

            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"the yjs baseline exited with {process.ExitCode}");
            }

            return Parse(output.GetAwaiter().GetResult());
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }

    private static (Dictionary<string, BaselineResult>, string) Parse(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var results = new Dictionary<string, BaselineResult>(StringComparer.Ordinal);
        foreach (var r in doc.RootElement.GetProperty("results").EnumerateObject())
        {
            var v = r.Value;
            results[r.Name] = new BaselineResult(
                v.TryGetProperty("meanMs", out var ms) ? ms.GetDouble() : null,
                v.TryGetProperty("bytes", out var b) ? b.GetInt64() : null,
                v.TryGetProperty("timedOut", out var t) && t.GetBoolean() ? v.GetProperty("timeoutS").GetDouble() : null,
                v.TryGetProperty("error", out var e) ? e.GetString() : null);
        }

        var env = doc.RootElement.GetProperty("environment");
        return (results, $"yjs {env.GetProperty("yjs").GetString()}, node {env.GetProperty("node").GetString()}");
    }
}
