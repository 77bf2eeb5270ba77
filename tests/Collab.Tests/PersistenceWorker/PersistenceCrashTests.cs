using System.Text.Json;
using Collab.Persistence.Storage;
using Collab.Tests.Kafka;
using Collab.Tests.SyncServer.E2E;
using Confluent.Kafka;

namespace Collab.Tests.PersistenceWorker;

/// <summary>
/// The Kafka deployment as separate processes: three SyncServer replicas that store nothing themselves, and the
/// persistence worker. Real providers edit on every replica; the worker is SIGKILLed in the middle of its writes and
/// restarted; once the providers report no unsynced changes every process is SIGKILLed; after a restart fresh clients
/// on a new replica see every acknowledged edit exactly once, and the worker's own store holds them all.
/// </summary>
[Collection(KafkaCollection.Name)]
public sealed class PersistenceCrashTests(KafkaClusterFixture kafka)
{
    private Task<SyncServerProcess> StartReplicaAsync(string prefix, string id, WorkerProcess worker, CancellationToken ct) =>
        SyncServerProcess.StartAsync(null, ct,
            "--kafka-brokers", kafka.BootstrapServers,
            "--kafka-prefix", prefix,
            "--kafka-id", id,
            "--kafka-group", "crash-tests",
            "--Collab:Relay:Kafka:CreateTopics=false",
            "--Collab:Relay:HeartbeatInterval=00:00:00.500",
            "--Collab:Relay:PeerTimeout=00:00:03",
            $"--Collab:Persistence:Url={worker.Address}",
            $"--Collab:Persistence:ApiKey={WorkerHost.ApiKey}");

    private async Task CaughtUpAsync(string prefix, int partitions, CancellationToken ct)
    {
        using var consumer = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig { BootstrapServers = kafka.BootstrapServers, GroupId = prefix + "-persistence" }).Build();
        var topicPartitions = Enumerable.Range(0, partitions).Select(p => new TopicPartition(prefix + ".updates", p)).ToList();
        var ends = topicPartitions.ToDictionary(tp => tp.Partition.Value, tp => consumer.QueryWatermarkOffsets(tp, TimeSpan.FromSeconds(10)).High.Value);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (true)
        {
            var committed = consumer.Committed(topicPartitions, TimeSpan.FromSeconds(10)).ToDictionary(c => c.Partition.Value, c => c.Offset.Value);
            if (ends.All(e => e.Value == 0 || committed[e.Key] >= e.Value))
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, $"the worker did not catch up: ends {string.Join(',', ends)}, committed {string.Join(',', committed)}");
            await Task.Delay(250, ct);
        }
    }

    [Fact]
    public async Task AcknowledgedEditsSurviveSigkillOfEveryServerAndTheWorker()
    {
        var ct = TestContext.Current.CancellationToken;
        TestContext.Current.TestOutputHelper?.WriteLine($"Kafka: {kafka.Description}");
        using var folder = new TemporaryFolder();
        var prefix = await WorkerHost.CreateTopicsAsync(kafka, 6, ct);
        var database = folder.File("worker.db");
        var state = folder.File("expected.json");
        var worker = await WorkerProcess.StartAsync(kafka.BootstrapServers, prefix, database, ct);
        List<SyncServerProcess> replicas = [];
        SyncServerProcess? fresh = null;
        try
        {
            replicas.AddRange(await Task.WhenAll(Enumerable.Range(0, 3).Select(i => StartReplicaAsync(prefix, $"replica-{i}", worker, ct))));
            var urls = string.Join(',', replicas.Select(r => r.Address.ToString().TrimEnd('/')));
            await using (var writer = NodeScenario.Start("../persistence/crash.mjs", replicas[0].Address, "--urls", urls, "--state", state, "--case", "write"))
            {
                // the worker dies in the middle of its writes (50 ms debounce while updates stream in) and comes back
                await writer.WaitForPhaseAsync("editing", TimeSpan.FromSeconds(60), ct);
                await worker.KillAsync();
                worker = await WorkerProcess.StartAsync(kafka.BootstrapServers, prefix, database, ct);

                await writer.WaitForPhaseAsync("kill", TimeSpan.FromSeconds(120), ct);
                await Task.WhenAll([.. replicas.Select(r => r.KillAsync().AsTask()), worker.KillAsync().AsTask()]);
                var written = await writer.WaitForResultAsync(TimeSpan.FromSeconds(30), ct);
                Assert.True(written.Ok, written.Transcript);
            }

            // a restarted worker and a replica that never saw these documents
            worker = await WorkerProcess.StartAsync(kafka.BootstrapServers, prefix, database, ct);
            fresh = await StartReplicaAsync(prefix, "replica-fresh", worker, ct);
            var verified = await NodeScenario.RunAsync("../persistence/crash.mjs", fresh.Address, TimeSpan.FromSeconds(120), ct,
                "--urls", fresh.Address.ToString().TrimEnd('/'), "--state", state, "--case", "verify");
            Assert.True(verified.Ok, $"{verified.Transcript}\n--- worker ---\n{worker.Transcript}\n--- replica ---\n{fresh.Transcript}");

            // and the worker's store itself holds every edit once it has caught up: its group's committed offsets reach the
            // end of every partition (the killed worker's membership must time out first)
            await CaughtUpAsync(prefix, 6, ct);
            var expected = JsonSerializer.Deserialize<Dictionary<string, List<string>>>(await File.ReadAllTextAsync(state, ct))!;

            // the replica's own lists read what the worker stores: the editor's document list has every document
            using (var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) })
            {
                var listed = await http.GetStringAsync(new Uri(new UriBuilder(fresh.Address) { Scheme = "http" }.Uri, "/editor/documents"), ct);
                Assert.All(expected.Keys, name => Assert.Contains($"\"{name}\"", listed, StringComparison.Ordinal));
            }

            await fresh.DisposeAsync();
            fresh = null;
            Assert.Equal(0, await worker.StopAsync(TimeSpan.FromSeconds(60), ct));
            using var store = new SqliteDocumentStore(database);
            foreach (var (name, tokens) in expected)
            {
                var text = UpdateProducer.TextOf(await store.LoadAsync(name, ct));
                Assert.All(tokens, token => Assert.Equal(1, text.Split(token).Length - 1));
                Assert.Equal(tokens.Sum(t => t.Length), text.Length);
            }
        }
        finally
        {
            foreach (var replica in replicas)
            {
                await replica.DisposeAsync();
            }

            if (fresh is not null)
            {
                await fresh.DisposeAsync();
            }

            await worker.DisposeAsync();
        }
    }
}
