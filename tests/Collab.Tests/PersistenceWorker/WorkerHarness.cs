using System.Text;
using Collab.Persistence.Storage;
using Collab.Relay;
using Collab.Tests.Kafka;
using Collab.Tests.Support;
using Collab.Yjs;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Collab.Tests.PersistenceWorker;

/// <summary>
/// A persistence worker on a free loopback port (its API mapped), on the test Kafka cluster, writing to the store given
/// (or an SQLite file); and a stand-in for the relay's producer: Yjs updates in relay envelopes, keyed by document.
/// </summary>
internal sealed class WorkerHost(LoopbackApp app) : IAsyncDisposable
{
    public const string ApiKey = "test-shared-key";

    public LoopbackApp App { get; } = app;

    public Collab.Persistence.Worker.PersistenceWorker Worker => App.Services.GetRequiredService<Collab.Persistence.Worker.PersistenceWorker>();

    public IDocumentStore Store => App.Services.GetRequiredService<IDocumentStore>();

    public HttpClient Api(string? key = ApiKey)
    {
        var client = new HttpClient { BaseAddress = App.Address, Timeout = TimeSpan.FromSeconds(30) };
        if (key is not null)
        {
            client.DefaultRequestHeaders.Authorization = new("Bearer", key);
        }

        return client;
    }

    public static Task<WorkerHost> StartAsync(KafkaClusterFixture kafka, string prefix, string databasePath, CancellationToken cancellationToken,
        IDocumentStore? store = null, string identifier = "worker", string debounce = "00:00:00.200", string maxDebounce = "00:00:01")
        => StartAsync(kafka.BootstrapServers, prefix, databasePath, cancellationToken, store, identifier, debounce, maxDebounce);

    public static async Task<WorkerHost> StartAsync(string bootstrap, string prefix, string databasePath, CancellationToken cancellationToken,
        IDocumentStore? store, string identifier, string debounce, string maxDebounce)
    {
        var configuration = new Dictionary<string, string?>
        {
            ["Collab:Persistence:BootstrapServers"] = bootstrap,
            ["Collab:Persistence:Prefix"] = prefix,
            ["Collab:Persistence:Identifier"] = identifier,
            ["Collab:Persistence:ApiKey"] = ApiKey,
            ["Collab:Persistence:Debounce"] = debounce,
            ["Collab:Persistence:MaxDebounce"] = maxDebounce,
            ["Collab:Persistence:CommitInterval"] = "00:00:00.200",
            ["Collab:Storage:Sqlite:Path"] = databasePath,
        };
        var app = await LoopbackApp.StartAsync(builder =>
        {
            if (store is not null)
            {
                builder.Services.AddSingleton(store);
            }

            builder.AddCollabStorage();
            builder.AddCollabPersistenceWorker();
        }, app => app.MapPersistenceApi(), configuration, cancellationToken);
        return new WorkerHost(app);
    }

    public ValueTask DisposeAsync() => App.DisposeAsync();

    /// <summary>The relay's topics for a fresh prefix (the mock cluster cannot create them on request).</summary>
    public static async Task<string> CreateTopicsAsync(KafkaClusterFixture kafka, int partitions, CancellationToken cancellationToken)
    {
        var prefix = $"persist-{Guid.NewGuid():N}"[..20];
        if (kafka.CreateRelayTopics(prefix, partitions))
        {
            using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = kafka.BootstrapServers }).Build();
            await admin.CreateTopicsAsync([.. new[] { ".updates", ".signals", ".events" }.Select(t => new TopicSpecification { Name = prefix + t, NumPartitions = partitions, ReplicationFactor = 1 })])
                .WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
        }

        return prefix;
    }
}

/// <summary>Produces Yjs updates as the relay does (envelope, key = document, librdkafka's default partitioner, acks=all) and remembers each document's expected text.</summary>
internal sealed class UpdateProducer(string bootstrap, string prefix) : IDisposable
{
    private readonly IProducer<byte[], byte[]> _producer = new ProducerBuilder<byte[], byte[]>(new ProducerConfig
    {
        BootstrapServers = bootstrap,
        Acks = Acks.All,
        EnableIdempotence = true,
        LingerMs = 2,
    }).Build();

    private readonly Dictionary<string, Doc> _documents = new(StringComparer.Ordinal);

    public string Topic => prefix + ".updates";

    /// <summary>Appends <paramref name="text"/> to the document's text and produces the resulting update; returns where it went.</summary>
    public async Task<TopicPartitionOffset> AppendAsync(string document, string text, CancellationToken cancellationToken)
    {
        var update = Edit(document, text);
        return await ProduceAsync(document, RelayEnvelope.Encode(RelayMessage.Create(RelayKind.Update, document, "test-replica", update)), cancellationToken);
    }

    public byte[] Edit(string document, string text)
    {
        if (!_documents.TryGetValue(document, out var doc))
        {
            doc = new Doc();
            _documents[document] = doc;
        }

        byte[]? update = null;
        void Capture(object? sender, UpdateEventArgs e) => update = e.Update;
        doc.Update += Capture;
        doc.GetText("text").Insert(doc.GetText("text").Length, text);
        doc.Update -= Capture;
        return update!;
    }

    public async Task<TopicPartitionOffset> ProduceAsync(string key, byte[] value, CancellationToken cancellationToken)
    {
        var result = await _producer.ProduceAsync(Topic, new Message<byte[], byte[]> { Key = Encoding.UTF8.GetBytes(key), Value = value }, cancellationToken);
        return result.TopicPartitionOffset;
    }

    public string Expected(string document) => _documents[document].GetText("text").ToString();

    public IEnumerable<string> Documents => _documents.Keys;

    public void Dispose()
    {
        _producer.Flush(TimeSpan.FromSeconds(10));
        _producer.Dispose();
    }

    /// <summary>The text of a stored or served state.</summary>
    public static string TextOf(byte[]? state)
    {
        var doc = new Doc();
        if (state is not null)
        {
            doc.ApplyUpdate(state);
        }

        return doc.GetText("text").ToString();
    }
}
