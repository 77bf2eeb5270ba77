using Collab.Relay;
using Collab.Relay.Kafka;
using Collab.SyncServer.Documents;
using Collab.SyncServer.Relay;
using Collab.Tests.Kafka;
using Collab.Tests.SyncServer.E2E;
using Collab.Yjs;
using Confluent.Kafka;
using Microsoft.Extensions.DependencyInjection;

namespace Collab.Tests.Relay;

/// <summary>Kafka faults with replicas serving real clients: a broker outage, and duplicated, reordered and malformed relay messages.</summary>
[Collection(KafkaCollection.Name)]
public sealed class KafkaFaultTests(KafkaClusterFixture kafka)
{
    [Fact]
    public async Task EditsDuringAThirtySecondKafkaOutageConvergeWithNothingLost()
    {
        var ct = TestContext.Current.CancellationToken;
        TestContext.Current.TestOutputHelper?.WriteLine($"Kafka: {kafka.Description}");
        if (kafka.Mock is not { } mock)
        {
            Assert.Skip($"The outage test takes the brokers down, which only the mock cluster allows ({kafka.Description}).");
            return;
        }

        await using var replicas = await Replicas.StartAsync(2, KafkaReplicaTests.Settings(kafka), cancellationToken: ct);
        await replicas.WaitForPeersAsync(TimeSpan.FromSeconds(20), ct);
        var urls = string.Join(',', replicas.Addresses.Select(a => a.ToString().TrimEnd('/')));
        await using var scenario = NodeScenario.Start("../relay/outage.mjs", replicas.Addresses[0], "--urls", urls, "--seconds", "40", "--interval", "250");
        await scenario.WaitForPhaseAsync("editing", TimeSpan.FromSeconds(60), ct);
        await Task.Delay(TimeSpan.FromSeconds(3), ct);

        var brokers = Enumerable.Range(1, mock.BrokerCount).ToList();
        brokers.ForEach(mock.SetBrokerDown);
        var sawDown = new bool[2];
        try
        {
            var until = DateTime.UtcNow.AddSeconds(30);
            while (DateTime.UtcNow < until)
            {
                for (var i = 0; i < 2; i++)
                {
                    sawDown[i] |= replicas.Bus(i).Status.State == RelayState.Disconnected;
                }

                await Task.Delay(200, ct);
            }
        }
        finally
        {
            brokers.ForEach(mock.SetBrokerUp);
        }

        var result = await scenario.WaitForResultAsync(TimeSpan.FromSeconds(120), ct);
        if (!result.Ok)
        {
            result.AssertPassed(replicas.Apps[0].Log);
        }

        Assert.True(sawDown.All(d => d), $"both replicas should have reported the outage (saw: {string.Join(", ", sawDown)})\n{replicas.Logs}");
        var resyncs = replicas.Apps.Select(a => a.Services.GetRequiredService<RelayService>().Resyncs).ToList();
        Assert.True(resyncs.All(r => r >= 1), $"every replica should have resynchronised after the outage: {string.Join(", ", resyncs)}");
        Assert.All(replicas.Apps, a => Assert.Equal(RelayState.Connected, a.Services.GetRequiredService<IRelayBus>().Status.State));
    }

    [Fact]
    public async Task DuplicatedReorderedAndMalformedRelayMessagesAreDroppedWithoutHarm()
    {
        var ct = TestContext.Current.CancellationToken;
        TestContext.Current.TestOutputHelper?.WriteLine($"Kafka: {kafka.Description}");
        var settings = KafkaReplicaTests.Settings(kafka);
        var prefix = settings["Collab:Relay:Prefix"]!;
        await using var replicas = await Replicas.StartAsync(2, settings, cancellationToken: ct);
        await replicas.WaitForPeersAsync(TimeSpan.FromSeconds(20), ct);
        var name = "malformed-" + Guid.NewGuid().ToString("N")[..8];
        await using var a = await Registry(replicas, 0).OpenDirectConnectionAsync(name);
        await using var b = await Registry(replicas, 1).OpenDirectConnectionAsync(name);
        a.Transact(t => t.Doc.GetText("text").Insert(0, "first;"));
        await EventuallyAsync(() => Text(b) == "first;", "the first edit to cross", replicas);

        // an update made elsewhere, split in two that depend on each other, sent duplicated and in reverse order
        var writer = new Doc(new DocOptions { ClientId = 4242 });
        writer.ApplyUpdate(a.Read(d => d.EncodeStateAsUpdate()));
        var before = writer.EncodeStateVector();
        writer.GetText("text").Insert(0, "outside;");
        var first = writer.EncodeStateAsUpdate(before);
        var middle = writer.EncodeStateVector();
        writer.GetText("text").Insert(0, "later;");
        var second = writer.EncodeStateAsUpdate(middle);

        KafkaNativeLibrary.EnsureLoaded();
        using var producer = new ProducerBuilder<string, byte[]>(new ProducerConfig { BootstrapServers = kafka.BootstrapServers, LingerMs = 0 }).Build();
        async Task Send(string topic, byte[] value) =>
            await producer.ProduceAsync($"{prefix}.{topic}", new Message<string, byte[]> { Key = name, Value = value }, ct);
        byte[] Envelope(RelayKind kind, byte[] payload) => RelayEnvelope.Encode(RelayMessage.Create(kind, name, "intruder", payload));

        await Send("updates", [1, 2, 3, 4, 5]);                                  // not an envelope
        await Send("updates", [RelayEnvelope.Magic, 9, 1, 0]);                   // unknown version
        await Send("updates", [RelayEnvelope.Magic, RelayEnvelope.Version, 77]); // unknown kind
        var truncated = Envelope(RelayKind.Update, first);
        await Send("updates", truncated[..6]);                                   // truncated
        await Send("updates", Envelope(RelayKind.Update, [0xff, 0xff, 0xff, 0x01, 0x02])); // garbage Yjs update
        await Send("signals", Envelope(RelayKind.Awareness, [0x05, 0x01]));      // garbage awareness
        await Send("signals", Envelope(RelayKind.SyncReply, [0x09]));            // garbage sync reply
        await Send("signals", Envelope(RelayKind.SyncRequest, [0xff, 0xff]));    // garbage state vector
        await Send("updates", Envelope(RelayKind.Update, second));               // reordered: depends on the next
        await Send("updates", Envelope(RelayKind.Update, first));
        await Send("updates", Envelope(RelayKind.Update, first));                // duplicated
        await Send("updates", Envelope(RelayKind.Update, second));

        await EventuallyAsync(() => Text(a) == "later;outside;first;" && Text(b) == "later;outside;first;", "the reordered updates to apply once", replicas);
        a.Transact(t => t.Doc.GetText("text").Insert(0, "after;"));
        var expected = "after;later;outside;first;";
        await EventuallyAsync(() => Text(a) == expected && Text(b) == expected, $"both replicas to hold '{expected}'", replicas);
        Assert.Contains("[1401]", replicas.Apps[1].Log.Text, StringComparison.Ordinal);
        Assert.Contains("[1510]", replicas.Apps[1].Log.Text, StringComparison.Ordinal);
        Assert.All(replicas.Apps, r => Assert.Equal(RelayState.Connected, r.Services.GetRequiredService<IRelayBus>().Status.State));
    }

    [Fact]
    public async Task SavedIsAcknowledgedOnlyOnceKafkaHasTheUpdateAndFollowsItsReturn()
    {
        var ct = TestContext.Current.CancellationToken;
        TestContext.Current.TestOutputHelper?.WriteLine($"Kafka: {kafka.Description}");
        if (kafka.Mock is not { } mock)
        {
            Assert.Skip($"The test takes the brokers down, which only the mock cluster allows ({kafka.Description}).");
            return;
        }

        await using var replicas = await Replicas.StartAsync(1, KafkaReplicaTests.Settings(kafka), cancellationToken: ct);
        var durability = replicas.Apps[0].Services.GetRequiredService<ISyncDurability>();
        Assert.IsType<RelayedSyncDurability>(durability);
        await using var direct = await Registry(replicas, 0).OpenDirectConnectionAsync("acknowledged-" + Guid.NewGuid().ToString("N")[..8]);
        direct.Transact(t => t.Doc.GetText("text").Insert(0, "up;"));
        await durability.WhenDurableAsync(direct.Document, direct.Document.ChangeSequence).WaitAsync(TimeSpan.FromSeconds(20), ct);

        var brokers = Enumerable.Range(1, mock.BrokerCount).ToList();
        brokers.ForEach(mock.SetBrokerDown);
        Task saved;
        try
        {
            direct.Transact(t => t.Doc.GetText("text").Insert(0, "down;"));
            saved = durability.WhenDurableAsync(direct.Document, direct.Document.ChangeSequence);
            await Task.Delay(TimeSpan.FromSeconds(5), ct);
            Assert.False(saved.IsCompleted, "a change was acknowledged while Kafka was down");
        }
        finally
        {
            brokers.ForEach(mock.SetBrokerUp);
        }

        await saved.WaitAsync(TimeSpan.FromSeconds(60), ct);
    }

    private static DocumentRegistry Registry(Replicas replicas, int index) => replicas.Apps[index].Services.GetRequiredService<DocumentRegistry>();

    private static string Text(DirectConnection connection) => connection.Read(d => d.GetText("text").ToString());

    private static async Task EventuallyAsync(Func<bool> condition, string what, Replicas replicas)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}\n{replicas.Logs}");
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }
}
