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
