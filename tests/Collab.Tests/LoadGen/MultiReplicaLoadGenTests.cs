using Collab.LoadGen.Clients;
using Collab.LoadGen.Reports;
using Collab.LoadGen.Scenarios;
using Collab.LoadGen.Servers;
using Collab.Tests.Support;

namespace Collab.Tests.LoadGen;

public sealed class MultiReplicaLoadGenTests
{
    [Fact]
    public void ClientsOfADocumentAreSpreadOverTheReplicasStartingAtTheDocumentsIndex()
    {
        var first = new DocumentGroup("d0", clients: 5, new Random(1), replicas: 3, firstReplica: 0);
        var second = new DocumentGroup("d1", clients: 5, new Random(1), replicas: 3, firstReplica: 1);

        Assert.Equal([0, 1, 2, 0, 1], first.Replicas);
        Assert.Equal([1, 2, 0, 1, 2], second.Replicas);
        Assert.False(first.CrossReplica(0, 3));
        Assert.True(first.CrossReplica(0, 1));
    }

    [Fact]
    public Task HocuspocusReplicasSharingRedisDeliverEveryUpdateAcrossReplicas() => RunAsync(ServerKind.Hocuspocus);

    [Fact]
    public Task CollabReplicasSharingKafkaDeliverEveryUpdateAcrossReplicas() => RunAsync(ServerKind.Collab);

    [Fact]
    public Task CollabReplicasWithThePersistenceWorkerDeliverEveryUpdateAndStoreEveryDocument() => RunAsync(ServerKind.Collab, worker: true);

    [Fact]
    public async Task ThePersistScenarioStoresTheWholeBacklogAndChecksEveryDocument()
    {
        var ct = TestContext.Current.CancellationToken;
        var log = new StringWriter();
        var launch = new LaunchSettings(LaunchSettings.FindRepositoryRoot(), RepositoryPaths.Configuration, null, TimeSpan.FromSeconds(60));
        var result = await PersistScenario.ExecuteAsync(launch, updates: 3_000, documents: 30, TimeSpan.FromSeconds(90), TimeSpan.Zero, log, ct);
        Assert.True(result.Failure is null, $"{result.Failure}\n{log}");
        Assert.Equal(30, result["documents stored complete"]);
        Assert.Equal(30, result["stored documents"]);
        Assert.True(result["updates stored /s (start-up and debounce included)"] > 0, log.ToString());
    }

    private static async Task RunAsync(ServerKind kind, bool worker = false)
    {
        var ct = TestContext.Current.CancellationToken;
        var log = new StringWriter();
        var launch = new LaunchSettings(LaunchSettings.FindRepositoryRoot(), RepositoryPaths.Configuration, null, TimeSpan.FromSeconds(60)) { Worker = worker };
        var settings = new RunSettings(
            Documents: 4,
            ClientsPerDocument: 3,
            Rate: 5,
            Duration: TimeSpan.FromSeconds(2),
            Warmup: TimeSpan.FromSeconds(1),
            Drain: TimeSpan.FromSeconds(10),
            InsertLength: 1,
            ConnectConcurrency: 6,
            ReportInterval: TimeSpan.FromSeconds(1),
            Client: new ClientSettings("token", ApplyMode.Each, Awareness: true, HandshakeTimeout: TimeSpan.FromSeconds(20)));

        var servers = await ReplicaSet.StartAsync(kind, 2, launch, log, ct);
        ScenarioResult result;
        await using (servers)
        {
            result = await RunScenario.ExecuteAsync(servers.Target, settings, log, ct).WaitAsync(TimeSpan.FromSeconds(90), ct);
            if (worker)
            {
                // the replicas stop, then the worker writes everything out: the figures of what it stored
                await servers.StopAndMeasureAsync(result, log);
                Assert.Equal(4, result["stored documents"]);
            }
        }

        Assert.True(result.ErrorCount == 0, $"errors: {result.ErrorSummary}\n{log}");
        Assert.Equal(12, result["clients synced"]);
        Assert.Equal(2, result["replicas"]);
        Assert.True(result["cross-replica deliveries"] > 0, log.ToString());
        Assert.Equal(0, result["cross-replica deliveries lost"]);
        Assert.Equal(100, result["cross-replica deliveries arrived (%)"]);
        Assert.True(result["cross-replica fan-out latency p99 (ms)"] >= result["cross-replica fan-out latency p50 (ms)"]);
        Assert.True(result["local deliveries"] > 0, log.ToString());
        Assert.Equal(0, result["local deliveries lost"]);
        Assert.Equal(result["latency samples"], result["local deliveries"] + result["cross-replica deliveries"]);
        Assert.True(result["broker CPU time in window (s)"] >= 0);
        Assert.True(result["server RSS at end of window (MiB)"] > 0);
        Assert.All(servers.Target.ProcessIds.Append(servers.Target.Broker?.ProcessId), pid => Assert.False(Directory.Exists($"/proc/{pid}"), $"process {pid} still runs"));
    }
}
