using System.Globalization;
using System.Text;

namespace Collab.LoadGen.Reports;

/// <summary>Markdown tables: one server (metric | value) or side by side (metric | Collab | Hocuspocus | ratio).</summary>
internal static class ResultTable
{
    public static string Single(ScenarioResult result)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"| metric | {result.Server} |");
        text.AppendLine("|---|---:|");
        foreach (var metric in result.Metrics)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| {metric.Name} | {metric.Display} |");
        }

        text.AppendLine(CultureInfo.InvariantCulture, $"| error breakdown | {Escape(result.Failure ?? result.ErrorSummary)} |");
        return text.ToString();
    }

    /// <summary>Ratio = Collab ÷ Hocuspocus, for every metric both runs produced.</summary>
    public static string Comparison(ScenarioResult collab, ScenarioResult hocuspocus)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"| metric | {collab.Server} | {hocuspocus.Server} | ratio (Collab ÷ Hocuspocus) |");
        text.AppendLine("|---|---:|---:|---:|");
        var names = collab.Metrics.Select(m => m.Name).Concat(hocuspocus.Metrics.Select(m => m.Name)).Distinct(StringComparer.Ordinal);
        foreach (var name in names)
        {
            var ours = collab.Metrics.FirstOrDefault(m => m.Name == name);
            var theirs = hocuspocus.Metrics.FirstOrDefault(m => m.Name == name);
            var ratio = ours?.Value is { } a && theirs?.Value is { } b && b != 0 ? (a / b).ToString("0.###", CultureInfo.InvariantCulture) : "";
            text.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {ours?.Display ?? "n/a"} | {theirs?.Display ?? "n/a"} | {ratio} |");
        }

        text.AppendLine(CultureInfo.InvariantCulture,
            $"| error breakdown | {Escape(collab.Failure ?? collab.ErrorSummary)} | {Escape(hocuspocus.Failure ?? hocuspocus.ErrorSummary)} | |");
        return text.ToString();
    }

    private static string Escape(string value) => value.Replace("|", "\\|", StringComparison.Ordinal).ReplaceLineEndings(" ");
}
