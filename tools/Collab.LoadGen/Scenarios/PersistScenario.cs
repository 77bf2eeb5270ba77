using System.Diagnostics;
using System.Text;
using Collab.LoadGen.Measurement;
using Collab.LoadGen.Reports;
using Collab.LoadGen.Servers;
using Collab.Relay;
using Collab.Relay.Kafka;
using Collab.Yjs;
using Confluent.Kafka;

namespace Collab.LoadGen.Scenarios;

/// <summary>
/// One worker against a backlog: the relay's update topic is filled first (documents typed into one character per
/// update, as the SyncServer relays them), then the worker starts; the clock runs from its start until its group's
/// committed offsets reach the end of the topic (everything stored), start-up and debounce included.
/// </summary>
internal static class PersistScenario
{
    private const string Topic = "hocuspocus.updates";

    public static async Task<ScenarioResult> ExecuteAsync(
        LaunchSettings settings, int updates, int documents, TimeSpan timeout, TimeSpan reportInterval, TextWriter log, CancellationToken cancellationToken)
    {
        var result = new ScenarioResult("Collab.Persistence worker");
        KafkaNativeLibrary.EnsureLoaded();
        // the mock broker retains at most 5 MiB per partition: enough partitions that the whole backlog stays (checked below)
        var partitions = (int)Math.Clamp(updates / 40_000 + 1, 1, 64);
        await using var broker = await BrokerProcess.StartKafkaAsync(settings, log, cancellationToken, partitions);
        var bytes = await ProduceAsync(broker.Address, updates, documents, log, cancellationToken);

        await using var worker = await WorkerProcess.StartAsync(settings, broker.Address, log, cancellationToken);
        var started = Stopwatch.GetTimestamp();
        var cpuBefore = ProcessSample.Read(worker.ProcessId)?.CpuSeconds ?? 0;
        using var consumer = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig { BootstrapServers = broker.Address, GroupId = "hocuspocus-persistence" }).Build();
        var topicPartitions = Enumerable.Range(0, partitions).Select(p => new TopicPartition(Topic, p)).ToList();
        var watermarks = topicPartitions.Select(tp => consumer.QueryWatermarkOffsets(tp, TimeSpan.FromSeconds(10))).ToList();
        if (watermarks.Any(w => w.Low.Value > 0))
        {
            throw new InvalidOperationException("the test cluster dropped part of the backlog (its retention is 5 MiB per partition): use fewer updates");
        }

        var end = watermarks.Sum(w => w.High.Value);
        var lastReport = Stopwatch.GetTimestamp();
        long committed = 0;
        while (committed < end)
        {
            if (Stopwatch.GetElapsedTime(started) > timeout)
            {
                result.Failure = $"the worker stored {committed} of {end} updates within {timeout.TotalSeconds:0} s";
                break;
            }

            await Task.Delay(100, cancellationToken);
            committed = consumer.Committed(topicPartitions, TimeSpan.FromSeconds(10)).Sum(c => Math.Max(0, c.Offset.Value));
            if (reportInterval > TimeSpan.Zero && Stopwatch.GetElapsedTime(lastReport) >= reportInterval)
            {
                lastReport = Stopwatch.GetTimestamp();
                log.WriteLine($"[{Stopwatch.GetElapsedTime(started).TotalSeconds,6:F1}s] stored {committed:N0} of {end:N0} updates");
            }
        }

        var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var cpu = (ProcessSample.Read(worker.ProcessId)?.CpuSeconds ?? cpuBefore) - cpuBefore;
        result
            .Add("updates", updates, "0")
            .Add("documents", documents, "0")
            .Add("update bytes produced (MiB)", bytes / 1048576.0, "0.00")
            .Add("seconds from the worker's start to the last commit", elapsed, "0.0")
            .Add("updates stored /s (start-up and debounce included)", committed / elapsed, "0")
            .Add("worker CPU (s)", cpu, "0.00")
            .Add("worker CPU per update (µs)", cpu * 1e6 / Math.Max(1, committed), "0.0");
        await worker.StopAndMeasureAsync(result, log);
        result.Add("documents stored complete", CountComplete(worker.DatabasePath, updates, documents), "0");
        var states = result["document states (MiB)"];
        if (states is { } mib)
        {
            result.Add("stored bytes per document", mib * 1048576.0 / documents, "0");
        }

        return result;
    }

    // every document typed updates / documents characters (one more for the first updates % documents)
    private static int CountComplete(string database, int updates, int documents)
    {
        using var store = new Collab.Persistence.Storage.SqliteDocumentStore(database);
        var complete = 0;
        for (var d = 0; d < documents; d++)
        {
            var doc = new Doc();
            if (store.LoadAsync($"persist-{d}").GetAwaiter().GetResult() is { } state)
            {
                doc.ApplyUpdate(state);
            }

            complete += doc.GetText("text").Length == updates / documents + (d < updates % documents ? 1 : 0) ? 1 : 0;
        }

        return complete;
    }

    private static async Task<long> ProduceAsync(string bootstrap, int updates, int documents, TextWriter log, CancellationToken cancellationToken)
    {
        using var producer = new ProducerBuilder<byte[], byte[]>(new ProducerConfig
        {
            BootstrapServers = bootstrap, Acks = Acks.All, EnableIdempotence = true, LingerMs = 10, QueueBufferingMaxMessages = 1_000_000,
        }).Build();
        var docs = new Doc[documents];
        var names = new byte[documents][];
        for (var d = 0; d < documents; d++)
        {
            docs[d] = new Doc();
            names[d] = Encoding.UTF8.GetBytes($"persist-{d}");
        }

        long bytes = 0;
        var failed = 0;
        var produced = Stopwatch.GetTimestamp();
        for (var i = 0; i < updates; i++)
        {
            var d = i % documents;
            byte[]? update = null;
            void Capture(object? sender, UpdateEventArgs e) => update = e.Update;
            docs[d].Update += Capture;
            var text = docs[d].GetText("text");
            text.Insert(text.Length, ((char)('a' + (i % 26))).ToString());
            docs[d].Update -= Capture;
            var envelope = RelayEnvelope.Encode(RelayMessage.Create(RelayKind.Update, $"persist-{d}", "loadgen", update!));
            bytes += update!.Length;
            producer.Produce(Topic, new Message<byte[], byte[]> { Key = names[d], Value = envelope }, report =>
            {
                if (report.Error.IsError)
                {
                    Interlocked.Increment(ref failed);
                }
            });
        }

        producer.Flush(cancellationToken);
        if (failed > 0)
        {
            throw new InvalidOperationException($"{failed} updates could not be produced");
        }

        log.WriteLine($"produced {updates:N0} updates over {documents:N0} documents in {Stopwatch.GetElapsedTime(produced).TotalSeconds:F1} s");
        await Task.CompletedTask;
        return bytes;
    }
}
