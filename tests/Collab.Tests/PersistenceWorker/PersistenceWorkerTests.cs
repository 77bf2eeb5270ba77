using System.Net;
using System.Text;
using Collab.Persistence.Storage;
using Collab.Persistence.Worker;
using Collab.Tests.Kafka;
using Collab.Tests.SyncServer.E2E;
using Confluent.Kafka;

namespace Collab.Tests.PersistenceWorker;

/// <summary>
/// The persistence worker on the test Kafka cluster, in this process: it writes merged states per document, commits
/// offsets only behind durable writes, serves what it has not written yet, survives bad records and a store outage, and
/// shares the partitions with a second worker without two writers for one document.
/// </summary>
[Collection(KafkaCollection.Name)]
public sealed class PersistenceWorkerTests(KafkaClusterFixture kafka)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private static async Task EventuallyAsync(string what, Func<Task<bool>> condition, CancellationToken cancellationToken, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? Patience);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Timed out waiting for {what}.");
            await Task.Delay(100, cancellationToken);
        }
    }

    private static async Task AllStoredAsync(IDocumentStore store, UpdateProducer producer, CancellationToken cancellationToken, TimeSpan? timeout = null)
    {
        foreach (var document in producer.Documents)
        {
            await EventuallyAsync($"{document} to be stored in full", async () =>
                UpdateProducer.TextOf(await store.LoadAsync(document, cancellationToken)) == producer.Expected(document), cancellationToken, timeout);
        }
    }

    private Dictionary<int, long> Committed(string prefix, int partitions)
    {
        using var consumer = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig { BootstrapServers = kafka.BootstrapServers, GroupId = prefix + "-persistence" }).Build();
        return consumer.Committed([.. Enumerable.Range(0, partitions).Select(p => new TopicPartition(prefix + ".updates", p))], TimeSpan.FromSeconds(10))
            .ToDictionary(c => c.Partition.Value, c => c.Offset.Value);
    }

    [Fact]
    public async Task UpdatesAreWrittenAsOneMergedStatePerDocument()
    {
        var ct = TestContext.Current.CancellationToken;
        TestContext.Current.TestOutputHelper?.WriteLine($"Kafka: {kafka.Description}");
        using var folder = new TemporaryFolder();
        var prefix = await WorkerHost.CreateTopicsAsync(kafka, 4, ct);
        await using var worker = await WorkerHost.StartAsync(kafka, prefix, folder.File("store.db"), ct);
        using var producer = new UpdateProducer(kafka.BootstrapServers, prefix);
        for (var i = 0; i < 200; i++)
        {
            await producer.AppendAsync($"doc-{i % 10}", $"<{i}>", ct);
        }

        await AllStoredAsync(worker.Store, producer, ct);
        var listed = await worker.Store.ListAsync(cancellationToken: ct);
        Assert.Equal(10, listed.Count);
        // one merged state per document, far fewer writes than updates
        Assert.True(listed.All(d => d.Size < 400), string.Join(", ", listed.Select(d => $"{d.Name}={d.Size}")));
    }

    [Fact]
    public async Task OffsetsAreCommittedOnlyOnceTheWriteIsDurable()
    {
        var ct = TestContext.Current.CancellationToken;
        using var folder = new TemporaryFolder();
        var prefix = await WorkerHost.CreateTopicsAsync(kafka, 1, ct);
        using var sqlite = new SqliteDocumentStore(folder.File("store.db"));
        var store = new GatedStore(sqlite);
        store.Close();
        await using var worker = await WorkerHost.StartAsync(kafka, prefix, folder.File("unused.db"), ct, store, debounce: "00:00:00.050", maxDebounce: "00:00:00.100");
        using var producer = new UpdateProducer(kafka.BootstrapServers, prefix);
        await EventuallyAsync("the worker to be assigned", () => Task.FromResult(worker.Worker.IsAssigned && worker.Worker.Partitions.Count == 1), ct);
        var first = await producer.AppendAsync("held", "<a>", ct);
        await producer.AppendAsync("held", "<b>", ct);

        // writes are held back: the worker may commit up to the first unwritten update, never past it
        await Task.Delay(1500, ct);
        Assert.True(Committed(prefix, 1)[0] <= first.Offset.Value, $"committed {Committed(prefix, 1)[0]} past the unwritten offset {first.Offset.Value}");
        Assert.Null(await sqlite.LoadAsync("held", ct));

        store.Open();
        await AllStoredAsync(sqlite, producer, ct);
        await EventuallyAsync("the offsets to be committed past the written updates", () => Task.FromResult(Committed(prefix, 1)[0] == first.Offset.Value + 2), ct);
    }

    [Fact]
    public async Task TheApiServesUpdatesNotWrittenYetAndOnlyWithTheKey()
    {
        var ct = TestContext.Current.CancellationToken;
        using var folder = new TemporaryFolder();
        var prefix = await WorkerHost.CreateTopicsAsync(kafka, 3, ct);
        // nothing is written for a minute: what the API returns comes from the stream's tail
        await using var worker = await WorkerHost.StartAsync(kafka, prefix, folder.File("store.db"), ct, debounce: "00:01:00", maxDebounce: "00:01:00");
        using var producer = new UpdateProducer(kafka.BootstrapServers, prefix);
        const string name = "notes/✓ ünïcode & spaces?";
        for (var i = 0; i < 20; i++)
        {
            await producer.AppendAsync(name, $"[{i}]", ct);
        }

        await producer.AppendAsync("other", "unrelated", ct);
        using var api = worker.Api();
        var response = await api.GetAsync("documents/state?name=" + Uri.EscapeDataString(name), ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(producer.Expected(name), UpdateProducer.TextOf(await response.Content.ReadAsByteArrayAsync(ct)));
        Assert.Null(await worker.Store.LoadAsync(name, ct));

        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync("documents/state?name=never-written", ct)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await api.GetAsync("documents/state", ct)).StatusCode);
        using var anonymous = worker.Api(key: null);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("documents/state?name=other", ct)).StatusCode);
        using var wrong = worker.Api(key: "not-the-key");
        Assert.Equal(HttpStatusCode.Unauthorized, (await wrong.GetAsync("documents?limit=10", ct)).StatusCode);
    }

    [Fact]
    public async Task TheWorkerLooksForADocumentInThePartitionTheRelayProducerChose()
    {
        var ct = TestContext.Current.CancellationToken;
        var prefix = await WorkerHost.CreateTopicsAsync(kafka, 12, ct);
        using var producer = new UpdateProducer(kafka.BootstrapServers, prefix);
        for (var i = 0; i < 60; i++)
        {
            var name = i % 3 == 0 ? $"doc-{i}" : i % 3 == 1 ? $"ドキュメント-{i}" : new string('x', i * 7);
            var where = await producer.AppendAsync(name, "x", ct);
            Assert.Equal(where.Partition.Value, KafkaTailReader.PartitionOf(name, 12));
        }
    }

    [Fact]
    public async Task MalformedRecordsAndInvalidUpdatesAreDroppedWithoutStoppingTheWorker()
    {
        var ct = TestContext.Current.CancellationToken;
        using var folder = new TemporaryFolder();
        var prefix = await WorkerHost.CreateTopicsAsync(kafka, 1, ct);
        await using var worker = await WorkerHost.StartAsync(kafka, prefix, folder.File("store.db"), ct);
        using var producer = new UpdateProducer(kafka.BootstrapServers, prefix);
        await producer.AppendAsync("doc", "<before>", ct);
        await producer.ProduceAsync("doc", Encoding.UTF8.GetBytes("not an envelope"), ct);
        await producer.ProduceAsync("doc", [Collab.Relay.RelayEnvelope.Magic, 99, 1, 0], ct);
        await producer.ProduceAsync("doc", Collab.Relay.RelayEnvelope.Encode(Collab.Relay.RelayMessage.Create(Collab.Relay.RelayKind.Update, "doc", "evil", new byte[] { 5, 200, 200, 200, 200, 200 })), ct);
        await producer.ProduceAsync("doc", Collab.Relay.RelayEnvelope.Encode(Collab.Relay.RelayMessage.Create(Collab.Relay.RelayKind.Awareness, "doc", "replica", new byte[] { 0 })), ct);
        await producer.AppendAsync("doc", "<after>", ct);
        await AllStoredAsync(worker.Store, producer, ct);
        Assert.Equal("<before><after>", UpdateProducer.TextOf(await worker.Store.LoadAsync("doc", ct)));
        Assert.Contains("[5105]]", worker.App.Log.Text, StringComparison.Ordinal);
        Assert.Contains("[5203]]", worker.App.Log.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AStorageOutageDelaysWritesAndLosesNothing()
    {
        var ct = TestContext.Current.CancellationToken;
        using var folder = new TemporaryFolder();
        var prefix = await WorkerHost.CreateTopicsAsync(kafka, 2, ct);
        using var sqlite = new SqliteDocumentStore(folder.File("store.db"));
        var store = new GatedStore(sqlite) { Failing = true };
        await using var worker = await WorkerHost.StartAsync(kafka, prefix, folder.File("unused.db"), ct, store, debounce: "00:00:00.050", maxDebounce: "00:00:00.100");
        using var producer = new UpdateProducer(kafka.BootstrapServers, prefix);
        for (var i = 0; i < 30; i++)
        {
            await producer.AppendAsync($"doc-{i % 3}", $"<{i}>", ct);
        }

        await EventuallyAsync("failed writes to be logged", () => Task.FromResult(worker.App.Log.Text.Contains("[5202]]", StringComparison.Ordinal)), ct);
        Assert.All(Committed(prefix, 2).Values, offset => Assert.True(offset <= 0, $"committed {offset} while nothing could be written"));
        store.Failing = false;
        await AllStoredAsync(sqlite, producer, ct);
    }

    [Fact]
    public async Task TwoWorkersSplitThePartitionsAndARebalanceWhileWritingLosesNothing()
    {
        var ct = TestContext.Current.CancellationToken;
        using var folder = new TemporaryFolder();
        const int partitions = 6;
        var prefix = await WorkerHost.CreateTopicsAsync(kafka, partitions, ct);
        using var sqlite = new SqliteDocumentStore(folder.File("store.db"));
        var shared = new OwnershipCheckingStore(sqlite, partitions);
        WorkerHost? first = null, second = null;
        first = await WorkerHost.StartAsync(kafka, prefix, folder.File("a.db"), ct, shared.For("a", () => first?.Worker.Partitions ?? []), "a", "00:00:00.050", "00:00:00.200");
        try
        {
            using var producer = new UpdateProducer(kafka.BootstrapServers, prefix);
            async Task EditAsync(int from, int to)
            {
                for (var i = from; i < to; i++)
                {
                    await producer.AppendAsync($"doc-{i % 24}", $"<{i}>", ct);
                    if (i % 10 == 0)
                    {
                        await Task.Delay(20, ct);
                    }
                }
            }

            await EditAsync(0, 150);
            second = await WorkerHost.StartAsync(kafka, prefix, folder.File("b.db"), ct, shared.For("b", () => second?.Worker.Partitions ?? []), "b", "00:00:00.050", "00:00:00.200");
            // the rebalance happens while updates keep coming
            await EditAsync(150, 400);
            await EventuallyAsync("both workers to hold partitions", () => Task.FromResult(first.Worker.Partitions.Count > 0 && second.Worker.Partitions.Count > 0), ct);
            await EditAsync(400, 550);
            await AllStoredAsync(sqlite, producer, ct);
            Assert.True(shared.WritesByWorker.GetValueOrDefault("b") > 0, "the second worker wrote nothing");

            // the first worker leaves: its partitions are written out and handed over
            await first.DisposeAsync();
            shared.Forget("a");
            first = null;
            await EditAsync(550, 700);
            await EventuallyAsync("the second worker to hold every partition", () => Task.FromResult(second.Worker.Partitions.Count == partitions), ct);
            await AllStoredAsync(sqlite, producer, ct);
            Assert.Empty(shared.Violations);
        }
        finally
        {
            if (first is not null)
            {
                await first.DisposeAsync();
            }

            if (second is not null)
            {
                await second.DisposeAsync();
            }
        }
    }
}
