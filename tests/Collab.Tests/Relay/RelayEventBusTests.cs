using System.Text;
using System.Threading.Channels;
using Collab.Relay;
using Collab.Relay.Events;
using Collab.Relay.InProcess;
using Collab.Tests.SyncServer.Extensions;
using Collab.Tests.Yjs.Protocols;
using Microsoft.Extensions.Logging;

namespace Collab.Tests.Relay;

public sealed class RelayEventBusTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private sealed record Job(int Id, string Owner);

    /// <summary>One server instance: an in-process bus on the test's hub and the event bus its receiver feeds.</summary>
    private sealed class Node : IAsyncDisposable
    {
        private Node(InProcessRelayBus bus, RelayEventBus events, CapturingLogger<RelayEventBus> log)
        {
            Bus = bus;
            Events = events;
            Log = log;
        }

        public InProcessRelayBus Bus { get; }

        public RelayEventBus Events { get; }

        public CapturingLogger<RelayEventBus> Log { get; }

        public static async Task<Node> StartAsync(InProcessRelayHub hub, string instance, TimeProvider? time = null)
        {
            var log = new CapturingLogger<RelayEventBus>();
            var bus = new InProcessRelayBus(instance, hub);
            var events = new RelayEventBus(bus, log, time);
            await bus.StartAsync(m => events.HandleAsync(m), Token);
            return new Node(bus, events, log);
        }

        public ValueTask DisposeAsync() => Bus.DisposeAsync();
    }

    /// <summary>A handler that keeps what it sees, in order, and lets the test await the next one.</summary>
    private sealed class Received
    {
        private readonly Channel<RelayEvent> _next = Channel.CreateUnbounded<RelayEvent>();
        private readonly List<RelayEvent> _all = [];

        public int Count
        {
            get
            {
                lock (_all)
                {
                    return _all.Count;
                }
            }
        }

        public ValueTask Handle(RelayEvent relayEvent)
        {
            lock (_all)
            {
                _all.Add(relayEvent);
            }

            _next.Writer.TryWrite(relayEvent);
            return ValueTask.CompletedTask;
        }

        public async Task<RelayEvent> NextAsync() =>
            await _next.Reader.ReadAsync(Token).AsTask().WaitAsync(Patience, Token);
    }

    private static RelayMessage EventMessage(string name, string origin, params byte[] payload) =>
        RelayMessage.Create(RelayKind.Event, name, origin, payload);

    [Fact]
    public async Task JsonEventsReachTheHandlersOfEveryOtherInstance()
    {
        var hub = new InProcessRelayHub();
        await using var a = await Node.StartAsync(hub, "a");
        await using var b = await Node.StartAsync(hub, "b");
        await using var c = await Node.StartAsync(hub, "c");
        var atB = new Received();
        var atC = new Received();
        b.Events.On("jobs", atB.Handle);
        c.Events.On("jobs", atC.Handle);

        await a.Events.EmitJsonAsync("jobs", new Job(7, "ada"));

        foreach (var received in new[] { atB, atC })
        {
            var relayEvent = await received.NextAsync();
            Assert.Equal("jobs", relayEvent.Name);
            Assert.Equal(RelayEventKind.Json, relayEvent.Kind);
            Assert.Equal("a", relayEvent.Origin);
            Assert.False(relayEvent.IsLocal);
            Assert.Equal("ada", relayEvent.Json.GetProperty("owner").GetString());
            Assert.Equal(new Job(7, "ada"), relayEvent.Deserialize<Job>());
            Assert.Throws<InvalidOperationException>(() => relayEvent.Text);
            Assert.Throws<InvalidOperationException>(() => relayEvent.Binary);
        }
    }

    [Fact]
    public async Task StringEventsReachOtherInstancesUnchanged()
    {
        var hub = new InProcessRelayHub();
        await using var a = await Node.StartAsync(hub, "a");
        await using var b = await Node.StartAsync(hub, "b");
        var atB = new Received();
        b.Events.On("greeting", atB.Handle);

        await a.Events.EmitStringAsync("greeting", "héllo ✓ 👋");

        var relayEvent = await atB.NextAsync();
        Assert.Equal(RelayEventKind.String, relayEvent.Kind);
        Assert.Equal("héllo ✓ 👋", relayEvent.Text);
        Assert.Throws<InvalidOperationException>(() => relayEvent.Json);
    }

    [Fact]
    public async Task BinaryEventsReachOtherInstancesByteForByte()
    {
        var hub = new InProcessRelayHub();
        await using var a = await Node.StartAsync(hub, "a");
        await using var b = await Node.StartAsync(hub, "b");
        var atB = new Received();
        b.Events.On("blob", atB.Handle);
        byte[] data = [0, 1, (byte)'d', 0x7f, 0xff];

        await a.Events.EmitBinaryAsync("blob", data);
        data[0] = 42;

        var relayEvent = await atB.NextAsync();
        Assert.Equal(RelayEventKind.Binary, relayEvent.Kind);
        Assert.Equal(new byte[] { 0, 1, (byte)'d', 0x7f, 0xff }, relayEvent.Binary.ToArray());
        Assert.Throws<InvalidOperationException>(() => relayEvent.Text);
    }

    [Fact]
    public async Task LocalHandlersSeeLocalEmitsOnceAndMarkedLocal()
    {
        var hub = new InProcessRelayHub();
        await using var a = await Node.StartAsync(hub, "a");
        await using var b = await Node.StartAsync(hub, "b");
        var atA = new Received();
        var atB = new Received();
        a.Events.On("ping", atA.Handle);
        b.Events.On("ping", atB.Handle);

        await a.Events.EmitStringAsync("ping", "1");

        Assert.Equal(1, atA.Count);
        var local = await atA.NextAsync();
        Assert.True(local.IsLocal);
        Assert.Equal("a", local.Origin);
        var remote = await atB.NextAsync();
        Assert.False(remote.IsLocal);
        Assert.Equal(local.Id, remote.Id);
        await a.Events.EmitStringAsync("ping", "2");
        await atB.NextAsync();
        Assert.Equal(2, atA.Count);
    }

    [Fact]
    public async Task DisposingARegistrationRemovesOnlyThatHandler()
    {
        var hub = new InProcessRelayHub();
        await using var a = await Node.StartAsync(hub, "a");
        await using var b = await Node.StartAsync(hub, "b");
        var removed = new Received();
        var kept = new Received();
        var registration = b.Events.On("news", removed.Handle);
        b.Events.On("news", kept.Handle);

        registration.Dispose();
        registration.Dispose();
        await a.Events.EmitStringAsync("news", "x");

        Assert.Equal("x", (await kept.NextAsync()).Text);
        Assert.Equal(0, removed.Count);
    }

    [Fact]
    public async Task OffRemovesOneHandlerOrAllHandlersOfTheEvent()
    {
        var hub = new InProcessRelayHub();
        await using var a = await Node.StartAsync(hub, "a");
        var first = new Received();
        var second = new Received();
        var other = new Received();
        Func<RelayEvent, ValueTask> firstHandler = first.Handle;
        a.Events.On("news", firstHandler);
        a.Events.On("news", firstHandler);
        a.Events.On("news", second.Handle);
        a.Events.On("other", other.Handle);

        a.Events.Off("news", firstHandler);
        await a.Events.EmitStringAsync("news", "1");
        Assert.Equal(0, first.Count);
        Assert.Equal(1, second.Count);

        a.Events.Off("news");
        await a.Events.EmitStringAsync("news", "2");
        await a.Events.EmitStringAsync("other", "3");
        Assert.Equal(0, first.Count);
        Assert.Equal(1, second.Count);
        Assert.Equal(1, other.Count);
    }

    [Fact]
    public async Task WaitForReturnsTheFirstEventTheMatchAccepts()
    {
        var hub = new InProcessRelayHub();
        await using var a = await Node.StartAsync(hub, "a");
        await using var b = await Node.StartAsync(hub, "b");

        var wait = b.Events.WaitForAsync("jobs", e => e.Deserialize<Job>()!.Id == 2, Patience, Token);
        await a.Events.EmitJsonAsync("jobs", new Job(1, "ada"));
        await a.Events.EmitJsonAsync("jobs", new Job(2, "grace"));
        await a.Events.EmitJsonAsync("jobs", new Job(3, "edsger"));

        var relayEvent = await wait.WaitAsync(Patience, Token);
        Assert.Equal("grace", relayEvent.Deserialize<Job>()!.Owner);
        Assert.Equal("a", relayEvent.Origin);
    }

    [Fact]
    public async Task WaitForSeesALocalEmitRightAfterTheCall()
    {
        var hub = new InProcessRelayHub();
        await using var a = await Node.StartAsync(hub, "a");

        var wait = a.Events.WaitForAsync("ready", timeout: Patience, cancellationToken: Token);
        await a.Events.EmitStringAsync("ready", "now");

        var relayEvent = await wait.WaitAsync(Patience, Token);
        Assert.True(relayEvent.IsLocal);
        Assert.Equal("now", relayEvent.Text);
    }

    [Fact]
    public async Task WaitForThrowsTimeoutExceptionWhenNothingMatchesInTime()
    {
        var time = new ManualTimeProvider();
        var hub = new InProcessRelayHub();
        await using var a = await Node.StartAsync(hub, "a", time);

        var wait = a.Events.WaitForAsync("jobs", e => e.Deserialize<Job>()!.Id == 2, TimeSpan.FromSeconds(5), Token);
        await a.Events.EmitJsonAsync("jobs", new Job(1, "ada"));
        time.Advance(TimeSpan.FromSeconds(4));
        Assert.False(wait.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));

        var error = await Assert.ThrowsAsync<TimeoutException>(() => wait.WaitAsync(Patience, Token));
        Assert.Contains("jobs", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARedeliveredEventReachesHandlersOnce()
    {
        var hub = new InProcessRelayHub();
        await using var b = await Node.StartAsync(hub, "b");
        var atB = new Received();
        b.Events.On("tick", atB.Handle);
        var message = EventMessage("tick", "a", [(byte)'s', .. "1"u8]);

        await b.Events.HandleAsync(message);
        await b.Events.HandleAsync(message);
        await b.Events.HandleAsync(message with { });
        Assert.Equal(1, atB.Count);

        await b.Events.HandleAsync(EventMessage("tick", "a", [(byte)'s', .. "1"u8]));
        Assert.Equal(2, atB.Count);
    }

    [Fact]
    public async Task ARedeliveryAfterTheDuplicateWindowIsHandledAgain()
    {
        var time = new ManualTimeProvider();
        var hub = new InProcessRelayHub();
        await using var b = await Node.StartAsync(hub, "b", time);
        var atB = new Received();
        b.Events.On("tick", atB.Handle);
        var message = EventMessage("tick", "a", [(byte)'b', 1]);

        await b.Events.HandleAsync(message);
        time.Advance(RelayEventBus.DuplicateWindow - TimeSpan.FromSeconds(1));
        await b.Events.HandleAsync(message);
        Assert.Equal(1, atB.Count);

        time.Advance(TimeSpan.FromSeconds(1));
        await b.Events.HandleAsync(message);
        Assert.Equal(2, atB.Count);
    }

    [Fact]
    public async Task MalformedPayloadsAreDroppedAndLaterEventsStillArrive()
    {
        var hub = new InProcessRelayHub();
        await using var a = await Node.StartAsync(hub, "a");
        await using var b = await Node.StartAsync(hub, "b");
        var atB = new Received();
        b.Events.On("news", atB.Handle);

        await a.Bus.PublishAsync(EventMessage("news", "a"));
        await a.Bus.PublishAsync(EventMessage("news", "a", (byte)'x', (byte)'{', (byte)'}'));
        await a.Bus.PublishAsync(EventMessage("news", "a", [(byte)'d', .. "{\"unterminated\":"u8]));
        await a.Bus.PublishAsync(EventMessage("news", "a", (byte)'s', 0xff, 0xfe));
        await b.Events.HandleAsync(EventMessage("news", "a", (byte)'d'));
        await a.Events.EmitStringAsync("news", "fine");

        Assert.Equal("fine", (await atB.NextAsync()).Text);
        Assert.Equal(1, atB.Count);
        var dropped = b.Log.Entries.Where(e => e.EventId == 1471).ToList();
        Assert.Equal(5, dropped.Count);
        Assert.All(dropped, e => Assert.Equal(LogLevel.Warning, e.Level));
    }

    [Fact]
    public async Task MessagesOfOtherKindsAreIgnored()
    {
        var hub = new InProcessRelayHub();
        await using var b = await Node.StartAsync(hub, "b");
        var atB = new Received();
        b.Events.On("doc", atB.Handle);

        await b.Events.HandleAsync(RelayMessage.Create(RelayKind.Stateless, "doc", "a", "shello"u8.ToArray()));

        Assert.Equal(0, atB.Count);
        Assert.Empty(b.Log.Entries);
    }

    [Fact]
    public async Task AThrowingHandlerDoesNotStopTheNextOne()
    {
        var hub = new InProcessRelayHub();
        await using var a = await Node.StartAsync(hub, "a");
        await using var b = await Node.StartAsync(hub, "b");
        var order = new List<string>();
        var atB = new Received();
        b.Events.On("news", _ =>
        {
            order.Add("first");
            throw new InvalidOperationException("handler bug");
        });
        b.Events.On("news", async e =>
        {
            await Task.Yield();
            order.Add("second");
            await atB.Handle(e);
        });

        await a.Events.EmitStringAsync("news", "x");

        await atB.NextAsync();
        Assert.Equal(new[] { "first", "second" }, order);
        var failure = Assert.Single(b.Log.Entries, e => e.EventId == 1472);
        Assert.Equal(LogLevel.Error, failure.Level);
    }

    [Fact]
    public async Task WhenTheHubIsDownEmitDeliversLocallyAndThrows()
    {
        var hub = new InProcessRelayHub();
        await using var a = await Node.StartAsync(hub, "a");
        await using var b = await Node.StartAsync(hub, "b");
        var atA = new Received();
        var atB = new Received();
        a.Events.On("news", atA.Handle);
        b.Events.On("news", atB.Handle);

        hub.IsUp = false;
        await Assert.ThrowsAsync<RelayUnavailableException>(() => a.Events.EmitStringAsync("news", "during"));

        var local = await atA.NextAsync();
        Assert.Equal("during", local.Text);
        Assert.True(local.IsLocal);
        hub.IsUp = true;
        await a.Events.EmitStringAsync("news", "after");
        Assert.Equal("after", (await atB.NextAsync()).Text);
        Assert.Equal(1, atB.Count);
    }

    [Fact]
    public async Task EventsAreDecodedFromTheTypeByteAndTheData()
    {
        var hub = new InProcessRelayHub();
        await using var b = await Node.StartAsync(hub, "b");
        var atB = new Received();
        b.Events.On("raw", atB.Handle);

        await b.Events.HandleAsync(EventMessage("raw", "hypha", [(byte)'d', .. Encoding.UTF8.GetBytes("{\"x\":[1,2]}")]));
        await b.Events.HandleAsync(EventMessage("raw", "hypha", (byte)'s'));
        await b.Events.HandleAsync(EventMessage("raw", "hypha", (byte)'b'));

        Assert.Equal(2, (await atB.NextAsync()).Json.GetProperty("x")[1].GetInt32());
        Assert.Equal("", (await atB.NextAsync()).Text);
        Assert.True((await atB.NextAsync()).Binary.IsEmpty);
    }
}
