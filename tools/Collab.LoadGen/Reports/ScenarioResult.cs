using System.Globalization;

namespace Collab.LoadGen.Reports;

/// <summary>One figure of a run, e.g. "p99 fan-out latency (ms)".</summary>
internal sealed record Metric(string Name, double? Value, string Format = "0.##")
{
    public string Display => Value is { } v ? v.ToString(Format, CultureInfo.InvariantCulture) : "n/a";
}

/// <summary>The figures of one scenario against one server, in display order, plus the error breakdown.</summary>
internal sealed class ScenarioResult(string server)
{
    private readonly List<Metric> _metrics = [];

    public string Server { get; } = server;

    public IReadOnlyList<Metric> Metrics => _metrics;

    public string ErrorSummary { get; set; } = "none";

    public long ErrorCount { get; set; }

    /// <summary>Why the run did not happen (server did not start …), or null.</summary>
    public string? Failure { get; set; }

    public ScenarioResult Add(string name, double? value, string format = "0.##")
    {
        _metrics.Add(new Metric(name, value, format));
        return this;
    }

    public double? this[string name] => _metrics.FirstOrDefault(m => m.Name == name)?.Value;
}

/// <summary>Combines the rounds of one server: the median of each figure, errors of all rounds.</summary>
internal static class RoundMedian
{
    public static ScenarioResult Of(IReadOnlyList<ScenarioResult> rounds)
    {
        if (rounds.Count == 1)
        {
            return rounds[0];
        }

        var combined = new ScenarioResult(rounds[0].Server);
        foreach (var metric in rounds[0].Metrics)
        {
            var values = rounds.Select(r => r[metric.Name]).OfType<double>().Order().ToList();
            double? median = values.Count == 0 ? null
                : values.Count % 2 == 1 ? values[values.Count / 2]
                : (values[(values.Count / 2) - 1] + values[values.Count / 2]) / 2;
            combined.Add(metric.Name, median, metric.Format);
        }

        combined.ErrorCount = rounds.Sum(r => r.ErrorCount);
        combined.ErrorSummary = string.Join("; ", rounds.Select((r, i) => $"round {i + 1}: {r.Failure ?? r.ErrorSummary}"));
        combined.Failure = rounds.All(r => r.Failure is not null) ? rounds[0].Failure : null;
        return combined;
    }
}
