using Collab.Yjs.Lib0;

namespace Collab.Yjs.Protocols;

/// <summary>
/// Presence state of the clients of one document, with exactly the rules of y-protocols' <c>Awareness</c>:
/// per-client clocks, updates applied only when newer (or a removal at the same clock), remote states
/// dropped after <see cref="OutdatedTimeout"/> without renewal, and the local state renewed every half timeout.
/// </summary>
/// <remarks>
/// States are JavaScript values in the representation of <see cref="JsValue"/> (JSON objects are
/// <see cref="JsObject"/>); treat them as immutable once handed over. The instance is thread-safe; events
/// are raised synchronously while it is locked, so handlers see states in the order changes happened and
/// may call back into the instance (for example <see cref="EncodeUpdate"/>), but must not block.
/// The periodic check runs on a timer of the <see cref="TimeProvider"/> given to the constructor.
/// </remarks>
public sealed class Awareness : IDisposable
{
    /// <summary>A remote client whose state has not been renewed for this long is removed (30 s).</summary>
    public static readonly TimeSpan OutdatedTimeout = TimeSpan.FromMilliseconds(30_000);

    /// <summary>The <see cref="AwarenessChangeEventArgs.Origin"/> of changes made by <see cref="SetLocalState"/>.</summary>
    public const string LocalOrigin = "local";

    /// <summary>The <see cref="AwarenessChangeEventArgs.Origin"/> of removals of outdated clients.</summary>
    public const string TimeoutOrigin = "timeout";

    private readonly Lock _lock = new();
    private readonly TimeProvider _time;
    private readonly ITimer _checkTimer;
    private readonly Dictionary<ulong, StoredState> _states = [];
    private readonly Dictionary<ulong, AwarenessMeta> _meta = [];
    private bool _disposed;

    /// <summary>Creates the awareness of a client; like y-protocols it starts with the local state <c>{}</c> at clock 0.</summary>
    /// <param name="clientId">The local client id (the document's client id).</param>
    /// <param name="timeProvider">Clock and timers; <see cref="TimeProvider.System"/> when null.</param>
    public Awareness(ulong clientId, TimeProvider? timeProvider = null)
    {
        ClientId = clientId;
        _time = timeProvider ?? TimeProvider.System;
        SetLocalState(new JsObject());
        var period = OutdatedTimeout / 10;
        _checkTimer = _time.CreateTimer(static s => ((Awareness)s!).CheckOutdated(), this, period, period);
    }

    /// <summary>Creates the awareness of a document's client (its <see cref="Doc.ClientId"/>), like y-protocols' <c>new Awareness(doc)</c>.</summary>
    /// <param name="doc">The document.</param>
    /// <param name="timeProvider">Clock and timers; <see cref="TimeProvider.System"/> when null.</param>
    public Awareness(Doc doc, TimeProvider? timeProvider = null)
        : this((ulong)(doc ?? throw new ArgumentNullException(nameof(doc))).ClientId, timeProvider)
    {
    }

    /// <summary>Raised when clients were added or removed or their state changed deeply (y-protocols <c>change</c>).</summary>
    public event EventHandler<AwarenessChangeEventArgs>? Change;

    /// <summary>
    /// Raised for every applied change, including renewals that only advance a clock (y-protocols <c>update</c>).
    /// Servers and relays forward awareness on this event.
    /// </summary>
    public event EventHandler<AwarenessChangeEventArgs>? Update;

    /// <summary>The local client id.</summary>
    public ulong ClientId { get; }

    /// <summary>The local state, or <c>null</c> when the local client is not present.</summary>
    public object? LocalState
    {
        get
        {
            lock (_lock)
            {
                return _states.TryGetValue(ClientId, out var s) ? s.Value : null;
            }
        }
    }

    /// <summary>A snapshot of the present clients and their states (removed clients are absent).</summary>
    /// <returns>Client id → state.</returns>
    public IReadOnlyDictionary<ulong, object?> GetStates()
    {
        lock (_lock)
        {
            return _states.ToDictionary(kv => kv.Key, kv => kv.Value.Value);
        }
    }

    /// <summary>A snapshot of the clocks and last-update times of every client ever seen.</summary>
    /// <returns>Client id → meta.</returns>
    public IReadOnlyDictionary<ulong, AwarenessMeta> GetMeta()
    {
        lock (_lock)
        {
            return new Dictionary<ulong, AwarenessMeta>(_meta);
        }
    }

    /// <summary>Gets the state of a present client.</summary>
    /// <param name="clientId">The client.</param>
    /// <param name="state">Its state.</param>
    /// <returns>Whether the client is present.</returns>
    public bool TryGetState(ulong clientId, out object? state)
    {
        lock (_lock)
        {
            var found = _states.TryGetValue(clientId, out var s);
            state = s?.Value;
            return found;
        }
    }

    /// <summary>
    /// Sets (or with <c>null</c> removes) the local state, incrementing the local clock, and raises the events with
    /// origin <see cref="LocalOrigin"/>. A server that only relays presence calls <c>SetLocalState(null)</c>.
    /// </summary>
    /// <param name="state">The new state (see <see cref="JsValue"/>), or <c>null</c>.</param>
    public void SetLocalState(object? state)
    {
        var json = state is null ? null : JsJson.Stringify(state);
        lock (_lock)
        {
            var clock = _meta.TryGetValue(ClientId, out var meta) ? meta.Clock + 1 : 0;
            _states.TryGetValue(ClientId, out var previous);
            if (state is null)
            {
                _states.Remove(ClientId);
            }
            else
            {
                _states[ClientId] = new StoredState(state, json!);
            }

            _meta[ClientId] = new AwarenessMeta(clock, Now());
            List<ulong> added = [], updated = [], changed = [], removed = [];
            if (state is null)
            {
                removed.Add(ClientId);
            }
            else if (previous is null)
            {
                added.Add(ClientId);
            }
            else
            {
                updated.Add(ClientId);
                if (!JsValue.DeepEquals(previous.Value, state))
                {
                    changed.Add(ClientId);
                }
            }

            if (added.Count > 0 || changed.Count > 0 || removed.Count > 0)
            {
                Change?.Invoke(this, new AwarenessChangeEventArgs(added, changed, removed, LocalOrigin));
            }

            Update?.Invoke(this, new AwarenessChangeEventArgs(added, updated, removed, LocalOrigin));
        }
    }

    /// <summary>
    /// Encodes the given clients' current states and clocks (y-protocols <c>encodeAwarenessUpdate</c>); a client
    /// without a state is written with the JSON state <c>null</c>, which announces its removal.
    /// </summary>
    /// <param name="clients">Clients that this awareness has seen (that have a meta entry).</param>
    /// <returns>The encoded awareness update.</returns>
    /// <exception cref="ArgumentException">A client was never seen, so it has no clock.</exception>
    public byte[] EncodeUpdate(IEnumerable<ulong> clients)
    {
        ArgumentNullException.ThrowIfNull(clients);
        var list = clients as IReadOnlyCollection<ulong> ?? [.. clients];
        var encoder = new Lib0Encoder();
        lock (_lock)
        {
            encoder.WriteVarUInt((ulong)list.Count);
            foreach (var client in list)
            {
                if (!_meta.TryGetValue(client, out var meta))
                {
                    throw new ArgumentException($"Awareness has no clock for client {client}.", nameof(clients));
                }

                AwarenessUpdate.WriteEntry(encoder, client, meta.Clock, _states.TryGetValue(client, out var s) ? s.Json : "null");
            }
        }

        return encoder.ToArray();
    }

    /// <summary>Encodes every present client (what a server sends to a connection that joins), or null when there is none.</summary>
    /// <returns>The encoded update, or <c>null</c> when no client has a state.</returns>
    public byte[]? EncodeFullUpdate()
    {
        lock (_lock)
        {
            return _states.Count == 0 ? null : EncodeUpdate([.. _states.Keys]);
        }
    }

    /// <summary>
    /// Applies a remote awareness update (y-protocols <c>applyAwarenessUpdate</c>). The update is decoded
    /// completely before anything is applied, so a malformed update changes nothing.
    /// </summary>
    /// <param name="update">The encoded update.</param>
    /// <param name="origin">Reported as <see cref="AwarenessChangeEventArgs.Origin"/> (for example the connection).</param>
    /// <exception cref="YjsDecodingException">The update is malformed.</exception>
    public void ApplyUpdate(byte[] update, object? origin)
    {
        var entries = AwarenessUpdate.Decode(update);
        lock (_lock)
        {
            var now = Now();
            List<ulong> added = [], updated = [], changed = [], removed = [];
            foreach (var (client, entryClock, state) in entries)
            {
                var clock = entryClock;
                var known = _meta.TryGetValue(client, out var meta);
                var currentClock = known ? meta.Clock : 0;
                _states.TryGetValue(client, out var previous);
                if (!(currentClock < clock || (currentClock == clock && state is null && previous is not null)))
                {
                    continue;
                }

                if (state is null)
                {
                    // a remote peer may not remove the local state: bump the clock so that peers learn it is alive
                    if (client == ClientId && previous is not null)
                    {
                        clock++;
                    }
                    else
                    {
                        _states.Remove(client);
                    }
                }
                else
                {
                    _states[client] = new StoredState(state, JsJson.Stringify(state));
                }

                _meta[client] = new AwarenessMeta(clock, now);
                if (!known && state is not null)
                {
                    added.Add(client);
                }
                else if (known && state is null)
                {
                    removed.Add(client);
                }
                else if (state is not null)
                {
                    if (!JsValue.DeepEquals(state, previous?.Value))
                    {
                        changed.Add(client);
                    }

                    updated.Add(client);
                }
            }

            if (added.Count > 0 || changed.Count > 0 || removed.Count > 0)
            {
                Change?.Invoke(this, new AwarenessChangeEventArgs(added, changed, removed, origin));
            }

            if (added.Count > 0 || updated.Count > 0 || removed.Count > 0)
            {
                Update?.Invoke(this, new AwarenessChangeEventArgs(added, updated, removed, origin));
            }
        }
    }

    /// <summary>
    /// Removes the states of the given clients without changing their clocks (y-protocols
    /// <c>removeAwarenessStates</c>); only the local client's clock is incremented. Used when a connection closes.
    /// </summary>
    /// <param name="clients">The clients to remove; clients without a state are skipped.</param>
    /// <param name="origin">Reported as <see cref="AwarenessChangeEventArgs.Origin"/>.</param>
    public void RemoveStates(IEnumerable<ulong> clients, object? origin)
    {
        ArgumentNullException.ThrowIfNull(clients);
        lock (_lock)
        {
            List<ulong> removed = [];
            foreach (var client in clients)
            {
                if (!_states.Remove(client))
                {
                    continue;
                }

                if (client == ClientId)
                {
                    _meta[client] = new AwarenessMeta(_meta[client].Clock + 1, Now());
                }

                removed.Add(client);
            }

            if (removed.Count > 0)
            {
                Change?.Invoke(this, new AwarenessChangeEventArgs([], [], removed, origin));
                Update?.Invoke(this, new AwarenessChangeEventArgs([], [], removed, origin));
            }
        }
    }

    /// <summary>Stops the periodic check and removes the local state (raising the events), like y-protocols' <c>destroy</c>.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
        }

        _checkTimer.Dispose();
        SetLocalState(null);
    }

    // y-protocols runs this every outdatedTimeout / 10: renew the local state after half the timeout, drop
    // remote clients that were not renewed within the timeout.
    internal void CheckOutdated()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            var now = Now();
            var timeout = (long)OutdatedTimeout.TotalMilliseconds;
            if (_states.TryGetValue(ClientId, out var local) && timeout / 2 <= now - _meta[ClientId].LastUpdated)
            {
                SetLocalState(local.Value);
            }

            List<ulong> outdated = [];
            foreach (var (client, meta) in _meta)
            {
                if (client != ClientId && timeout <= now - meta.LastUpdated && _states.ContainsKey(client))
                {
                    outdated.Add(client);
                }
            }

            if (outdated.Count > 0)
            {
                RemoveStates(outdated, TimeoutOrigin);
            }
        }
    }

    private long Now() => _time.GetUtcNow().ToUnixTimeMilliseconds();

    private sealed record StoredState(object? Value, string Json);
}
