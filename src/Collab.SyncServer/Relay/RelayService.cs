using System.Collections.Concurrent;
using Collab.Relay;
using Collab.Relay.Events;
using Collab.SyncServer.Documents;
using Collab.SyncServer.Hooks;
using Collab.Yjs.Lib0;
using Collab.Yjs.Protocols;
using Microsoft.Extensions.Options;

namespace Collab.SyncServer.Relay;

/// <summary>
/// The replica's side of the relay: starts the bus, applies what peers relay to the documents this replica holds
/// (with <see cref="RelayOrigin"/>: broadcast to local clients, never stored, never relayed again), answers peers'
/// sync requests and awareness queries, says it is alive, notices peers that are gone, and resynchronises every held
/// document when the transport comes back after an outage.
/// </summary>
internal sealed partial class RelayService(
    IRelayBus bus,
    RelayEventBus events,
    IOptions<RelayOptions> options,
    TimeProvider time,
    ILogger<RelayService> logger) : IHostedService, IAsyncDisposable
{
    private readonly RelayOptions _options = options.Value;
    private readonly ConcurrentDictionary<string, HeldDocument> _held = new(StringComparer.Ordinal);
    private readonly RelayPeers _peers = new(time, options.Value.PeerTimeout);
    private readonly RecentIds _stateless = new(10_000);
    private ITimer? _heartbeat;
    private RelayState _lastState = RelayState.Starting;
    private int _resyncs;

    public IRelayBus Bus => bus;

    public IReadOnlyList<string> LivePeers => _peers.Live;

    public int HeldCount => _held.Count;

    /// <summary>Resynchronisations of every held document after the transport came back.</summary>
    public int Resyncs => _resyncs;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        bus.StatusChanged += OnStatusChanged;
        await bus.StartAsync(ReceiveAsync, cancellationToken).ConfigureAwait(false);
        _lastState = bus.Status.State;
        _heartbeat = time.CreateTimer(_ => Beat(), null, TimeSpan.Zero, _options.HeartbeatInterval);
        LogStarted(bus.Transport, bus.Instance, bus.Status.State);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _heartbeat?.Dispose();
        try
        {
            await bus.PublishAsync(RelayMessage.Create(RelayKind.Leave, "", bus.Instance, ReadOnlyMemory<byte>.Empty))
                .WaitAsync(TimeSpan.FromSeconds(2), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is RelayUnavailableException or TimeoutException or OperationCanceledException)
        {
            // peers notice through the heartbeat timeout instead
        }

        await DisposeAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        _heartbeat?.Dispose();
        bus.StatusChanged -= OnStatusChanged;
        await bus.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>A document finished loading: join it, ask peers for what storage lacked and for their awareness, and wait (bounded) for their answers.</summary>
    public async Task HoldAsync(ServerDocument document)
    {
        var held = new HeldDocument(document);
        held.StartRelayedAt(document.ChangeSequence);
        _held[document.Name] = held;
        await bus.JoinAsync(document.Name).ConfigureAwait(false);
        var peers = _peers.Live;
        var answered = held.ExpectAnswers(peers);
        try
        {
            var vector = document.Read(d => d.EncodeStateVector());
            await Task.WhenAll(
                bus.PublishAsync(RelayMessage.Create(RelayKind.SyncRequest, document.Name, bus.Instance, vector)),
                bus.PublishAsync(RelayMessage.Create(RelayKind.QueryAwareness, document.Name, bus.Instance, ReadOnlyMemory<byte>.Empty))).ConfigureAwait(false);
        }
        catch (RelayUnavailableException e)
        {
            // served from storage alone; the resync after the outage brings peers' changes
            LogInitialSyncUnavailable(document.Name, e.Message);
            return;
        }

        if (peers.Count > 0 && _options.EffectiveInitialSyncTimeout > TimeSpan.Zero)
        {
            try
            {
                await answered.WaitAsync(_options.EffectiveInitialSyncTimeout, time).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                LogInitialSyncTimedOut(document.Name, peers.Count, _options.EffectiveInitialSyncTimeout.TotalMilliseconds);
            }
        }
    }

    /// <summary>The document was unloaded: forget it (unless it was loaded again meanwhile) and leave it.</summary>
    public async Task ReleaseAsync(string name)
    {
        if (_held.TryGetValue(name, out var held) && held.Document.IsDestroyed)
        {
            _held.TryRemove(new KeyValuePair<string, HeldDocument>(name, held));
            held.Forget();
            await bus.LeaveAsync(name).ConfigureAwait(false);
        }
    }

    /// <summary>Waits (at most DisconnectDelay) until the transport acknowledged the document's last relayed update.</summary>
    public async Task DrainAsync(string name)
    {
        var drained = _held.TryGetValue(name, out var held) ? held.Drained() : Task.CompletedTask;
        if (drained.IsCompleted)
        {
            return;
        }

        try
        {
            await drained.WaitAsync(_options.DisconnectDelay, time).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            LogDrainTimedOut(name, _options.DisconnectDelay.TotalMilliseconds);
        }
    }

    /// <summary>Relays a local change of a held document (called in the order of the changes, with the change's sequence).</summary>
    public void PublishUpdate(string name, byte[] update, long sequence)
    {
        var held = _held.GetValueOrDefault(name);
        held?.BeginPublish();
        void Done(Exception? error)
        {
            if (error is not null)
            {
                // stored locally; peers get it when the transport is back (resync)
                LogUpdateNotRelayed(name, error.Message);
            }

            // given up on counts too: the change is in the local log, and waiting longer would never end
            held?.Relayed(sequence);
            held?.EndPublish();
        }

        try
        {
            bus.Publish(RelayMessage.Create(RelayKind.Update, name, bus.Instance, update), Done);
        }
        catch (Exception e) when (e is ObjectDisposedException or InvalidOperationException)
        {
            // the relay stopped before the server (shutdown): the change is stored here
            Done(e);
        }
    }

    /// <summary>Completes once the transport acknowledged the update of change <paramref name="sequence"/> of a held document.</summary>
    public Task WhenRelayedAsync(ServerDocument document, long sequence) =>
        _held.TryGetValue(document.Name, out var held) && held.Document == document ? held.WhenRelayedAsync(sequence) : Task.CompletedTask;

    /// <summary>Relays an ephemeral signal about a document (awareness, stateless); a failure is counted by the bus.</summary>
    public void Publish(RelayKind kind, string name, ReadOnlyMemory<byte> payload, string? target = null) =>
        bus.Publish(RelayMessage.Create(kind, name, bus.Instance, payload, target), static _ => { });

    private void OnStatusChanged(RelayStatus status)
    {
        var previous = _lastState;
        _lastState = status.State;
        if (status.State == RelayState.Connected && previous == RelayState.Disconnected)
        {
            _ = Task.Run(ResyncAllAsync);
        }
    }

    /// <summary>After an outage: every held document asks every peer again, and answers carry what each side lacks.</summary>
    private async Task ResyncAllAsync()
    {
        Interlocked.Increment(ref _resyncs);
        LogResync(_held.Count);
        foreach (var held in _held.Values)
        {
            try
            {
                var vector = held.Document.Read(d => d.EncodeStateVector());
                await bus.PublishAsync(RelayMessage.Create(RelayKind.SyncRequest, held.Document.Name, bus.Instance, vector)).ConfigureAwait(false);
                if (held.Document.EncodeAllAwareness() is { } states)
                {
                    await bus.PublishAsync(RelayMessage.Create(RelayKind.Awareness, held.Document.Name, bus.Instance, states)).ConfigureAwait(false);
                }
            }
            catch (RelayUnavailableException e)
            {
                LogResyncFailed(held.Document.Name, e.Message);
                return; // the next recovery tries again
            }
        }
    }

    private void Beat()
    {
        _ = bus.PublishAsync(RelayMessage.Create(RelayKind.Heartbeat, "", bus.Instance, ReadOnlyMemory<byte>.Empty))
            .ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        foreach (var peer in _peers.Expire())
        {
            LogPeerGone(peer);
            ForgetPeer(peer);
        }
    }

    private void ForgetPeer(string peer)
    {
        var origin = new RelayOrigin(bus.Transport, peer);
        foreach (var held in _held.Values)
        {
            var ids = held.ForgetPeer(peer);
            if (ids.Count > 0)
            {
                held.Document.Awareness.RemoveStates(ids, origin);
            }
        }
    }

    internal async ValueTask ReceiveAsync(RelayMessage message)
    {
        switch (message.Kind)
        {
            case RelayKind.Heartbeat:
                NotePeer(message.Origin);
                return;
            case RelayKind.Leave:
                if (_peers.Left(message.Origin))
                {
                    LogPeerLeft(message.Origin);
                }

                ForgetPeer(message.Origin);
                return;
            case RelayKind.Event:
                NotePeer(message.Origin);
                await events.HandleAsync(message).ConfigureAwait(false);
                return;
        }

        NotePeer(message.Origin);
        if (!_held.TryGetValue(message.Document, out var held))
        {
            if (message.Kind == RelayKind.SyncRequest)
            {
                // counts as an answer: the asker need not wait for this replica
                Publish(RelayKind.SyncReply, message.Document, SyncReply.NotHeld.Encode(), message.Origin);
            }

            return;
        }

        var origin = new RelayOrigin(bus.Transport, message.Origin);
        try
        {
            Handle(held, message, origin);
        }
        catch (Exception e) when (e is YjsDecodingException or ArgumentException or InvalidOperationException or FormatException or System.Text.Json.JsonException)
        {
            RelayTelemetry.Drop(bus.Transport, "invalid-payload");
            LogInvalidPayload(message.Kind, message.Document, message.Origin, e.Message);
        }
    }

    private void NotePeer(string peer)
    {
        if (_peers.Seen(peer))
        {
            LogPeerJoined(peer);
        }
    }

    private void Handle(HeldDocument held, RelayMessage message, RelayOrigin origin)
    {
        var document = held.Document;
        switch (message.Kind)
        {
            case RelayKind.Update:
                document.ApplyUpdate(message.Payload.ToArray(), origin);
                break;
            case RelayKind.SyncRequest:
            {
                var (step1, step2) = document.AnswerSyncStep1(message.Payload.ToArray());
                Publish(RelayKind.SyncReply, document.Name, new SyncReply(true, true, step1.Payload, step2.Payload).Encode(), message.Origin);
                break;
            }

            case RelayKind.SyncReply:
            {
                var reply = SyncReply.Decode(message.Payload);
                if (!IsEmptyUpdate(reply.Update.Span))
                {
                    document.ApplyUpdate(reply.Update.ToArray(), origin);
                }

                if (reply.WantsReturn)
                {
                    var missing = document.Read(d => d.EncodeStateAsUpdate(reply.StateVector));
                    if (!IsEmptyUpdate(missing))
                    {
                        Publish(RelayKind.SyncReply, document.Name, new SyncReply(true, false, [], missing).Encode(), message.Origin);
                    }
                }

                held.Answered(message.Origin);
                break;
            }

            case RelayKind.Awareness:
            {
                var bytes = message.Payload.ToArray();
                foreach (var entry in AwarenessUpdate.Decode(bytes))
                {
                    held.TrackAwareness(entry.ClientId, message.Origin, entry.State is not null);
                }

                document.Awareness.ApplyUpdate(bytes, origin);
                break;
            }

            case RelayKind.QueryAwareness:
                if (document.EncodeAllAwareness() is { } states)
                {
                    Publish(RelayKind.Awareness, document.Name, states, message.Origin);
                }

                break;
            case RelayKind.Stateless:
                if (_stateless.Add(message.Id))
                {
                    document.DeliverStateless(System.Text.Encoding.UTF8.GetString(message.Payload.Span));
                }

                break;
        }
    }

    private static bool IsEmptyUpdate(ReadOnlySpan<byte> update) => update.Length == 0 || (update.Length == 2 && update[0] == 0 && update[1] == 0);
}
