using System.Globalization;
using System.Text;
using Collab.LoadGen.Measurement;
using Collab.LoadGen.Reports;
using Collab.LoadGen.Scenarios;
using Collab.LoadGen.Servers;

namespace Collab.LoadGen.Cli;

/// <summary>Runs one scenario against the chosen server(s), prints the table and writes the report file.</summary>
internal static class Runner
{
    public static async Task<int> ExecuteAsync(
        string mode,
        string server,
        Uri url,
        int? serverPid,
        LaunchSettings launch,
        string settingsText,
        string? output,
        int rounds,
        int replicas,
        Func<ServerTarget, Task<ScenarioResult>> scenario,
        CancellationToken cancellationToken)
    {
        var log = Console.Out;
        var loadBefore = LoadAverage.Read();
        var (soft, hard) = Posix.RaiseOpenFileLimit();
        log.WriteLine($"open-file limit {soft} (hard {hard}); {mode}: {settingsText}");

        var kinds = server.ToLowerInvariant() switch
        {
            "url" => Array.Empty<ServerKind>(),
            "hocuspocus" => new[] { ServerKind.Hocuspocus },
            "collab" => new[] { ServerKind.Collab },
            "both" => new[] { ServerKind.Hocuspocus, ServerKind.Collab },
            _ => throw new ArgumentException($"unknown --server '{server}' (url, hocuspocus, collab, both)"),
        };
        if (kinds.Length == 0 && replicas > 1)
        {
            throw new ArgumentException("--replicas needs servers the tool starts itself (--server hocuspocus, collab or both)");
        }

        var results = new List<ScenarioResult>();
        var perRound = new StringBuilder();
        if (kinds.Length == 0)
        {
            results.Add(await scenario(new ServerTarget(url.ToString(), url, serverPid)));
        }
        else
        {
            // Several rounds alternate the order (H C, C H, …) so slow drifts in machine load hit both servers alike.
            var byKind = kinds.ToDictionary(kind => kind, _ => new List<ScenarioResult>());
            for (var round = 0; round < Math.Max(1, rounds); round++)
            {
                foreach (var kind in round % 2 == 0 ? kinds : Enumerable.Reverse(kinds))
                {
                    byKind[kind].Add(await RunOnStartedServerAsync(kind, replicas, launch, scenario, log, cancellationToken));
                }

                if (rounds > 1)
                {
                    var table = Table(kinds.Select(kind => byKind[kind][round]).ToList());
                    perRound.AppendLine(CultureInfo.InvariantCulture, $"### Round {round + 1}").AppendLine().AppendLine(table);
                    log.WriteLine($"round {round + 1}:");
                    log.WriteLine(table);
                }
            }

            results.AddRange(kinds.Select(kind => RoundMedian.Of(byKind[kind])));
        }

        var final = Table(results);
        log.WriteLine();
        log.WriteLine(rounds > 1 ? $"median of {rounds} rounds:" : "result:");
        log.WriteLine(final);
        output ??= kinds.Length == 2 ? $"loadgen-{mode}-{DateTime.UtcNow:yyyyMMdd-HHmmss}.md" : null;
        if (output is not null)
        {
            var machine = $"load average before {loadBefore}, after {LoadAverage.Read()}";
            await File.WriteAllTextAsync(output, Report(mode, settingsText, rounds, machine, final, perRound.ToString()), cancellationToken);
            log.WriteLine($"report written to {Path.GetFullPath(output)}");
        }

        return results.Any(r => r.Failure is not null) ? 1 : 0;
    }

    private static async Task<ScenarioResult> RunOnStartedServerAsync(
        ServerKind kind, int replicas, LaunchSettings launch, Func<ServerTarget, Task<ScenarioResult>> scenario, TextWriter log, CancellationToken cancellationToken)
    {
        ReplicaSet started;
        try
        {
            started = await ReplicaSet.StartAsync(kind, replicas, launch, log, cancellationToken);
        }
        catch (Exception error) when (error is InvalidOperationException or FileNotFoundException or System.ComponentModel.Win32Exception)
        {
            log.WriteLine($"{kind}: {error.Message}");
            return new ScenarioResult(ReplicaSet.NameOf(kind, replicas)) { Failure = $"server did not start: {error.Message.Split('\n')[0]}" };
        }

        await using (started)
        {
            var result = await scenario(started.Target);
            await started.StopAndMeasureAsync(result, log);
            return result;
        }
    }

    /// <summary>Side by side when both servers ran (results are in launch order: Hocuspocus, Collab).</summary>
    private static string Table(IReadOnlyList<ScenarioResult> results) =>
        results.Count == 2 ? ResultTable.Comparison(results[1], results[0]) : ResultTable.Single(results[0]);

    private static string Report(string mode, string settingsText, int rounds, string machine, string table, string perRound)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"# Collab.LoadGen {mode} — {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"Command: `{string.Join(' ', Environment.GetCommandLineArgs().Skip(1).Prepend("Collab.LoadGen"))}`");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"Settings: {settingsText}. Machine: {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, {machine}.");
        text.AppendLine();
        if (rounds > 1)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"Median of {rounds} rounds (server order alternating):");
            text.AppendLine();
        }

        text.Append(table);
        if (perRound.Length > 0)
        {
            text.AppendLine().Append(perRound);
        }

        return text.ToString();
    }
}
