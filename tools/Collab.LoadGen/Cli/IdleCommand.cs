using System.CommandLine;
using System.Globalization;
using Collab.LoadGen.Scenarios;

namespace Collab.LoadGen.Cli;

/// <summary><c>idle</c>: N authenticated, synced, idle connections; server memory per connection.</summary>
internal static class IdleCommand
{
    public static Command Create()
    {
        var common = new CommonOptions();
        var connections = new Option<int>("--connections") { Description = "Idle connections.", DefaultValueFactory = _ => 10_000 };
        var documents = new Option<int>("--documents") { Description = "Documents the connections are spread over.", DefaultValueFactory = _ => 100 };
        var settle = new Option<double>("--settle") { Description = "Seconds to wait before the baseline and after connecting.", DefaultValueFactory = _ => 5 };
        var hold = new Option<double>("--hold") { Description = "Seconds to hold the connections after settling (memory is read at the end).", DefaultValueFactory = _ => 10 };
        var keepAlive = new Option<double>("--keepalive")
        {
            Description = "Seconds between keep-alive messages per connection (QueryAwareness, or an awareness renewal with --awareness); 0 = none. The reference drops sockets silent for 60-120 s.",
            DefaultValueFactory = _ => 0,
        };

        var command = new Command("idle", "Idle connections: memory per connection = (server RSS with N − baseline) ÷ N.")
        {
            connections, documents, settle, hold, keepAlive,
        };
        common.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var settings = new IdleSettings(
                parse.GetValue(connections),
                parse.GetValue(documents),
                TimeSpan.FromSeconds(parse.GetValue(settle)),
                TimeSpan.FromSeconds(parse.GetValue(hold)),
                TimeSpan.FromSeconds(parse.GetValue(keepAlive)),
                parse.GetValue(common.ConnectConcurrency),
                TimeSpan.FromSeconds(parse.GetValue(common.ReportInterval)),
                common.Client(parse));
            var text = string.Create(CultureInfo.InvariantCulture,
                $"{settings.Connections} connections over {settings.Documents} documents, {settings.Settle.TotalSeconds} s settle, {settings.Hold.TotalSeconds} s hold, keep-alive {settings.KeepAlive.TotalSeconds} s, awareness={settings.Client.Awareness}");
            return await common.ExecuteAsync(parse, "idle", text, target => IdleScenario.ExecuteAsync(target, settings, Console.Out, cancellationToken), cancellationToken);
        });
        return command;
    }
}
