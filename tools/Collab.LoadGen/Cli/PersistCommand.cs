using System.CommandLine;
using Collab.LoadGen.Scenarios;

namespace Collab.LoadGen.Cli;

/// <summary><c>persist</c>: how fast one persistence worker stores a backlog of relayed updates.</summary>
internal static class PersistCommand
{
    public static Command Create()
    {
        var common = new CommonOptions();
        var updates = new Option<int>("--updates") { Description = "Updates produced before the worker starts.", DefaultValueFactory = _ => 200_000 };
        var documents = new Option<int>("--documents") { Description = "Documents the updates are spread over.", DefaultValueFactory = _ => 1_000 };
        var timeout = new Option<double>("--timeout") { Description = "Seconds the worker may take to store the backlog.", DefaultValueFactory = _ => 600 };
        var command = new Command("persist",
            "Persistence worker throughput: the Kafka test cluster is filled with typing updates (one character each, relay envelopes), then one worker stores them; reports updates stored per second, its CPU per update and the stored bytes per document.")
        {
            updates, documents, timeout,
        };
        common.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var result = await PersistScenario.ExecuteAsync(
                common.Launch(parse), parse.GetValue(updates), parse.GetValue(documents), TimeSpan.FromSeconds(parse.GetValue(timeout)),
                TimeSpan.FromSeconds(parse.GetValue(common.ReportInterval)), Console.Out, cancellationToken);
            var table = Reports.ResultTable.Single(result);
            Console.WriteLine(table);
            if (parse.GetValue(common.Output) is { } output)
            {
                await File.WriteAllTextAsync(output, $"# persist: {parse.GetValue(updates)} updates over {parse.GetValue(documents)} documents\n\n{table}\n", cancellationToken);
                Console.WriteLine($"report written to {Path.GetFullPath(output)}");
            }

            return result.Failure is null ? 0 : 1;
        });
        return command;
    }
}
