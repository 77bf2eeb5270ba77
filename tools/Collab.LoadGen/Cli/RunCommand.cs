using System.CommandLine;
using System.Globalization;
using Collab.LoadGen.Scenarios;

namespace Collab.LoadGen.Cli;

/// <summary><c>run</c>: documents × clients inserting at a rate; fan-out latency, delivered updates, server CPU.</summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var common = new CommonOptions();
        var documents = new Option<int>("--documents") { Description = "Documents.", DefaultValueFactory = _ => 200 };
        var clients = new Option<int>("--clients") { Description = "Clients per document.", DefaultValueFactory = _ => 5 };
        var rate = new Option<double>("--rate") { Description = "Inserts per second per client.", DefaultValueFactory = _ => 5 };
        var duration = new Option<double>("--duration") { Description = "Measured seconds (after warm-up).", DefaultValueFactory = _ => 30 };
        var warmup = new Option<double>("--warmup") { Description = "Seconds of load before measuring.", DefaultValueFactory = _ => 10 };
        var drain = new Option<double>("--drain") { Description = "Seconds to wait for in-flight updates after the window; later ones count as timeouts.", DefaultValueFactory = _ => 10 };
        var insertLength = new Option<int>("--insert-length") { Description = "Characters per insert.", DefaultValueFactory = _ => 1 };
        var timeline = new Option<bool>("--timeline") { Description = "Also print p50/p99/max latency per second of the window (by send time)." };
        var replicas = new Option<int>("--replicas")
        {
            Description = "With --server hocuspocus|collab|both: start N replicas sharing a broker (Hocuspocus: one redis-server and @hocuspocus/extension-redis; Collab: the Kafka test cluster and --kafka-brokers); client k of document d connects to replica (k + d) mod N; local and cross-replica fan-out are reported apart.",
            DefaultValueFactory = _ => 1,
        };

        var command = new Command("run", "Editing load: each client inserts into a Y.Text at the target rate and sends one update per insert.")
        {
            documents, clients, rate, duration, warmup, drain, insertLength, timeline, replicas,
        };
        common.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var settings = new RunSettings(
                parse.GetValue(documents),
                parse.GetValue(clients),
                parse.GetValue(rate),
                TimeSpan.FromSeconds(parse.GetValue(duration)),
                TimeSpan.FromSeconds(parse.GetValue(warmup)),
                TimeSpan.FromSeconds(parse.GetValue(drain)),
                Math.Max(1, parse.GetValue(insertLength)),
                parse.GetValue(common.ConnectConcurrency),
                TimeSpan.FromSeconds(parse.GetValue(common.ReportInterval)),
                common.Client(parse))
            {
                Timeline = parse.GetValue(timeline),
            };
            var replicaCount = Math.Max(1, parse.GetValue(replicas));
            var text = string.Create(CultureInfo.InvariantCulture,
                $"{settings.Documents} documents × {settings.ClientsPerDocument} clients, {settings.Rate} inserts/s/client, {settings.Warmup.TotalSeconds} s warm-up, {settings.Duration.TotalSeconds} s measured, apply={settings.Client.Apply}, awareness={settings.Client.Awareness}");
            if (replicaCount > 1)
            {
                text += string.Create(CultureInfo.InvariantCulture,
                    $"; {replicaCount} replicas per server (Collab: Kafka relay through the Kafka test cluster, 1 broker; Hocuspocus: @hocuspocus/extension-redis through one redis-server), client k of document d on replica (k + d) mod {replicaCount}");
            }

            return await common.ExecuteAsync(parse, "run", text, target => RunScenario.ExecuteAsync(target, settings, Console.Out, cancellationToken), cancellationToken, replicaCount);
        });
        return command;
    }
}
