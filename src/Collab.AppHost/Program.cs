using System.CommandLine;
using System.Runtime.InteropServices;
using Collab.AppHost;

var replicas = new Option<int>("--replicas") { Description = "SyncServer replicas behind the one endpoint.", DefaultValueFactory = _ => 1 };
var port = new Option<int>("--port") { Description = "Port of the one SyncServer endpoint (0: any free port).", DefaultValueFactory = _ => 1234 };
var kafka = new Option<bool>("--kafka") { Description = "Start a Kafka test cluster and pass its address to every service (ConnectionStrings__kafka)." };
var showOutput = new Option<bool>("--show-output") { Description = "Echo each service's own output, prefixed with its name." };
var root = new RootCommand("Starts Collab's distributed app locally (the role of an Aspire AppHost).") { replicas, port, kafka, showOutput };

root.SetAction(async (parse, cancellationToken) =>
{
    using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
    using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, signal =>
    {
        signal.Cancel = true;
        stop.Cancel();
    });
    var options = new AppHostOptions(
        Math.Max(1, parse.GetValue(replicas)), parse.GetValue(port), parse.GetValue(kafka), parse.GetValue(showOutput));
    return await new Orchestrator(options, RepositoryLayout.Discover(), Console.Out).RunAsync(stop.Token);
});

return await root.Parse(args).InvokeAsync();
