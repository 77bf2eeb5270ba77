using System.Diagnostics;
using Spectre.Console;

namespace Collab.Persistence.Admin;

/// <summary>
/// Progress of a verb over many documents, on stderr (stdout keeps the results): a Spectre.Console progress bar when
/// stderr is a terminal, otherwise a plain line every few seconds and at the end, for CI logs.
/// </summary>
internal static class AdminProgress
{
    private static readonly TimeSpan PlainInterval = TimeSpan.FromSeconds(2);

    public static async Task ForEachAsync<T>(AdminContext context, string label, IReadOnlyList<T> items, Func<T, Task> work)
    {
        if (items.Count == 0)
        {
            return;
        }

        if (!Console.IsErrorRedirected && context.Error == Console.Error)
        {
            var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
            await console.Progress()
                .AutoClear(false)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new CountColumn(), new ElapsedTimeColumn())
                .StartAsync(async progress =>
                {
                    var task = progress.AddTask(label.EscapeMarkup(), maxValue: items.Count);
                    foreach (var item in items)
                    {
                        await work(item);
                        task.Increment(1);
                    }
                });
            return;
        }

        var done = 0;
        var lastReport = Stopwatch.GetTimestamp();
        foreach (var item in items)
        {
            await work(item);
            done++;
            if (done == items.Count || Stopwatch.GetElapsedTime(lastReport) >= PlainInterval)
            {
                lastReport = Stopwatch.GetTimestamp();
                await context.Error.WriteLineAsync($"{label}: {done}/{items.Count} documents");
            }
        }
    }

    /// <summary>"12/40" documents.</summary>
    private sealed class CountColumn : ProgressColumn
    {
        public override Spectre.Console.Rendering.IRenderable Render(Spectre.Console.Rendering.RenderOptions options, ProgressTask task, TimeSpan deltaTime) =>
            new Text(FormattableString.Invariant($"{task.Value:0}/{task.MaxValue:0}"));
    }
}
