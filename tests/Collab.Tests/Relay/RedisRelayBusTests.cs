using System.Buffers.Binary;
using System.Diagnostics.Metrics;
using System.Threading.Channels;
using Collab.Relay;
using Collab.Relay.Redis;
using Collab.Tests.Support;
using StackExchange.Redis;

namespace Collab.Tests.Relay;

[Collection(RedisCollection.Name)]
public sealed class RedisRelayBusTests(RedisServerFixture redis) : IAsyncDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly string _prefix = $"test-{Guid.NewGuid():N}";
    private readonly TestLog _log = new();
    private readonly List<RedisRelayBus> _buses = [];

    [Fact]
    public async Task DocumentMessagesReachInstancesThatJoinedTheDocumentButNotTheirSender()
    {
        var (a, aInbox) = await StartAsync("a");
        var (b, bInbox) = await StartAsync("b");
        await a.JoinAsync("doc-1");
        await b.JoinAsync("doc-1");
        await b.JoinAsync("doc-1"); // joining twice is harmless

        var sent = RelayMessage.Create(RelayKind.Update, "doc-1", "a", new byte[] { 1, 2, 3 });
        await a.PublishAsync(sent);
        var received = await bInbox.NextAsync();
        Assert.Equal((sent.Kind, sent.Document, sent.Origin, sent.Target, sent.Id), (received.Kind, received.Document, received.Origin, received.Target, received.Id));
        Assert.Equal(sent.Payload.ToArray(), received.Payload.ToArray());

        // a's own message would have come before b's answer on the same channel
        await b.PublishAsync(Update("doc-1", "b", 2));
        var answer = await aInbox.NextAsync();
        Assert.Equal(("b", 2), (answer.Origin, Number(answer)));
        Assert.True(bInbox.IsEmpty && aInbox.IsEmpty);
    }

    [Fact]
    public async Task AnInstanceReceivesNothingAboutDocumentsItHasNotJoinedOrHasLeft()
    {
        var (a, _) = await StartAsync("a");
        var (b, bInbox) = await StartAsync("b");
        await b.JoinAsync("joined");
        await b.JoinAsync("left");
        await b.LeaveAsync("left");
        await b.LeaveAsync("never-joined"); // a no-op
        await using var raw = await ConnectionMultiplexer.ConnectAsync(redis.Configuration);
        var server = raw.GetServer(raw.GetEndPoints()[0]);
        Assert.Equal(1, await server.SubscriptionSubscriberCountAsync(RedisChannel.Literal($"{_prefix}:doc:joined")));
        Assert.Equal(0, await server.SubscriptionSubscriberCountAsync(RedisChannel.Literal($"{_prefix}:doc:left")));

        await a.PublishAsync(Update("other", "a", 1));
        await a.PublishAsync(Update("left", "a", 2));
        await a.PublishAsync(Update("joined", "a", 3));
        var received = await bInbox.NextAsync();
        Assert.Equal(("joined", 3), (received.Document, Number(received)));
        Assert.True(bInbox.IsEmpty);

        await a.DisposeAsync();
        Assert.Equal(RelayState.Stopped, a.Status.State);
    }

    [Fact]
    public async Task TargetedMessagesReachOnlyTheirTarget()
    {
        var (a, _) = await StartAsync("a");
        var (b, bInbox) = await StartAsync("b");
        var (c, cInbox) = await StartAsync("c");
        foreach (var bus in new[] { a, b, c })
        {
            await bus.JoinAsync("doc");
        }

        await a.PublishAsync(RelayMessage.Create(RelayKind.SyncReply, "doc", "a", new byte[] { 7 }, target: "b"));
        await a.PublishAsync(Update("doc", "a", 1));
        var atB = new[] { await bInbox.NextAsync(), await bInbox.NextAsync() };
        Assert.Equal([RelayKind.Update, RelayKind.SyncReply], atB.Select(m => m.Kind).Order());
        Assert.Equal("b", atB.Single(m => m.Kind == RelayKind.SyncReply).Target);

        Assert.Equal(RelayKind.Update, (await cInbox.NextAsync()).Kind);
        await using var raw = await ConnectionMultiplexer.ConnectAsync(redis.Configuration);
        var server = raw.GetServer(raw.GetEndPoints()[0]);
        Assert.Equal(1, await server.SubscriptionSubscriberCountAsync(RedisChannel.Literal($"{_prefix}:to:b")));
        Assert.True(cInbox.IsEmpty);
    }

    [Fact]
    public async Task EventsAndHeartbeatsReachEveryOtherInstanceWithoutJoining()
    {
        var (a, aInbox) = await StartAsync("a");
        var (b, bInbox) = await StartAsync("b");
        var (c, cInbox) = await StartAsync("c");

        await a.PublishAsync(RelayMessage.Create(RelayKind.Event, "document.saved", "a", new byte[] { 1, 42 }));
        await a.PublishAsync(RelayMessage.Create(RelayKind.Heartbeat, "", "a", ReadOnlyMemory<byte>.Empty));
        await a.PublishAsync(RelayMessage.Create(RelayKind.Leave, "", "a", ReadOnlyMemory<byte>.Empty));
        foreach (var inbox in new[] { bInbox, cInbox })
        {
            var received = new[] { await inbox.NextAsync(), await inbox.NextAsync(), await inbox.NextAsync() };
            Assert.Equal([RelayKind.Event, RelayKind.Heartbeat, RelayKind.Leave], received.Select(m => m.Kind).Order());
            Assert.Equal("document.saved", received.Single(m => m.Kind == RelayKind.Event).Document);
            Assert.All(received, m => Assert.Equal("a", m.Origin));
        }

        // a's own event and heartbeat would have come before b's on the same subscriptions
        await b.PublishAsync(RelayMessage.Create(RelayKind.Event, "document.saved", "b", new byte[] { 1 }));
        await b.PublishAsync(RelayMessage.Create(RelayKind.Heartbeat, "", "b", ReadOnlyMemory<byte>.Empty));
        var atA = new[] { await aInbox.NextAsync(), await aInbox.NextAsync() };
        Assert.All(atA, m => Assert.Equal("b", m.Origin));
        Assert.Equal(2, (await cInbox.NextAsync(2)).Count);
    }

    [Fact]
    public async Task FiveHundredMessagesOfOneDocumentArriveInOrder()
    {
        var (a, _) = await StartAsync("a");
        var (b, bInbox) = await StartAsync("b");
        await b.JoinAsync("ordered");

        await Task.WhenAll(Enumerable.Range(0, 500).Select(i => a.PublishAsync(Update("ordered", "a", i))).ToList());
        var received = await bInbox.NextAsync(500);
        Assert.Equal(Enumerable.Range(0, 500), received.Select(Number));
    }

    [Fact]
    public async Task MalformedEnvelopesAreDroppedAndTheNextValidMessageStillArrives()
    {
        long malformed = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == RelayTelemetry.Name && instrument.Name == "collab.relay.dropped")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            var t = tags.ToArray();
            if (t.Any(x => x is { Key: "collab.relay.transport", Value: "redis" }) && t.Any(x => x is { Key: "reason", Value: "malformed" }))
            {
                Interlocked.Add(ref malformed, value);
            }
        });
        listener.Start();
        var (b, bInbox) = await StartAsync("b");
        await b.JoinAsync("doc");
        await using var raw = await ConnectionMultiplexer.ConnectAsync(redis.Configuration);
        var channel = RedisChannel.Literal($"{_prefix}:doc:doc");
        var valid = RelayEnvelope.Encode(Update("doc", "a", 5));

        await raw.GetSubscriber().PublishAsync(channel, "not an envelope"u8.ToArray());
        await raw.GetSubscriber().PublishAsync(channel, new byte[] { 0xC0, 0x09, 1, 1, (byte)'a', 0, 0 });
        await raw.GetSubscriber().PublishAsync(channel, valid[..(valid.Length - 10)]);
        await raw.GetSubscriber().PublishAsync(channel, valid);

        var received = await bInbox.NextAsync();
        Assert.Equal(("a", 5), (received.Origin, Number(received)));
        Assert.True(Interlocked.Read(ref malformed) >= 3, $"{malformed} malformed drops counted");
    }

    [Fact]
    public async Task AnOutageIsReportedPublishingFailsAndSubscriptionsComeBackWithRedis()
    {
        var (a, _) = await StartAsync("a");
        var (b, bInbox) = await StartAsync("b");
        await b.JoinAsync("doc");
        var aStatuses = Statuses(a);
        var bStatuses = Statuses(b);

        await redis.StopAsync();
        try
        {
            var down = await aStatuses.NextAsync();
            Assert.Equal(RelayState.Disconnected, down.State);
            Assert.Contains("127.0.0.1", down.Description, StringComparison.Ordinal);
            Assert.Equal(RelayState.Disconnected, a.Status.State);
            await Assert.ThrowsAsync<RelayUnavailableException>(() => a.PublishAsync(Update("doc", "a", 1)));
        }
        finally
        {
            await redis.StartAsync();
        }

        Assert.Equal(RelayState.Connected, (await aStatuses.NextAsync()).State);
        Assert.Equal(RelayState.Disconnected, (await bStatuses.NextAsync()).State);
        Assert.Equal(RelayState.Connected, (await bStatuses.NextAsync()).State);
        await a.PublishAsync(Update("doc", "a", 2));
        Assert.Equal(2, Number(await bInbox.NextAsync()));
    }

    [Fact]
    public async Task ABusStartedWhileRedisIsDownConnectsAndSubscribesWhenRedisComesUp()
    {
        var (a, _) = await StartAsync("a");
        await redis.StopAsync();
        RedisRelayBus late;
        Inbox<RelayMessage> lateInbox;
        try
        {
            await WaitForAsync(a, RelayState.Disconnected);
            // the configuration string is passed as is: a shorter connect timeout shortens the start while Redis is down
            (late, lateInbox) = await StartAsync("late", $"{redis.Configuration},connectTimeout=1000");
            Assert.Equal(RelayState.Starting, late.Status.State);
            await late.JoinAsync("doc");
            await Assert.ThrowsAsync<RelayUnavailableException>(() => late.PublishAsync(Update("doc", "late", 1)));
        }
        finally
        {
            await redis.StartAsync();
        }

        await WaitForAsync(late, RelayState.Connected);
        await WaitForAsync(a, RelayState.Connected);
        await a.PublishAsync(Update("doc", "a", 3));
        Assert.Equal(3, Number(await lateInbox.NextAsync()));
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var bus in _buses)
        {
            await bus.DisposeAsync();
        }

        _log.Dispose();
    }

    private static RelayMessage Update(string document, string origin, int number)
    {
        var payload = new byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(payload, number);
        return RelayMessage.Create(RelayKind.Update, document, origin, payload);
    }

    private static int Number(RelayMessage message) => BinaryPrimitives.ReadInt32LittleEndian(message.Payload.Span);

    private static Inbox<RelayStatus> Statuses(RedisRelayBus bus)
    {
        var inbox = new Inbox<RelayStatus>();
        bus.StatusChanged += status => inbox.Add(status);
        return inbox;
    }

    private static async Task WaitForAsync(RedisRelayBus bus, RelayState state)
    {
        var statuses = Statuses(bus);
        while (bus.Status.State != state)
        {
            await statuses.NextAsync();
        }
    }

    private async Task<(RedisRelayBus Bus, Inbox<RelayMessage> Inbox)> StartAsync(string instance, string? configuration = null)
    {
        var inbox = new Inbox<RelayMessage>();
        var options = new RedisRelayOptions { Configuration = configuration ?? redis.Configuration, Prefix = _prefix };
        var bus = new RedisRelayBus(instance, options, _log.CreateLogger(instance));
        _buses.Add(bus);
        await bus.StartAsync(message =>
        {
            inbox.Add(message);
            return ValueTask.CompletedTask;
        }, TestContext.Current.CancellationToken).WaitAsync(Patience, TestContext.Current.CancellationToken);
        return (bus, inbox);
    }

    /// <summary>What a bus delivered (or reported), awaited one at a time with a timeout.</summary>
    private sealed class Inbox<T>
    {
        private readonly Channel<T> _items = Channel.CreateUnbounded<T>();

        public bool IsEmpty => _items.Reader.Count == 0;

        public void Add(T item) => _items.Writer.TryWrite(item);

        public async Task<T> NextAsync()
        {
            var cancellationToken = TestContext.Current.CancellationToken;
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(Patience);
            try
            {
                return await _items.Reader.ReadAsync(timeout.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"nothing ({typeof(T).Name}) arrived within {Patience}");
            }
        }

        public async Task<List<T>> NextAsync(int count)
        {
            var items = new List<T>(count);
            while (items.Count < count)
            {
                items.Add(await NextAsync());
            }

            return items;
        }
    }
}
