using Collab.SyncServer.Hooks;
using Collab.Yjs.Protocols;

namespace Collab.SyncServer.Documents;

public sealed partial class ServerDocument
{
    // which connection announced which awareness client id: a connection may only set or remove its own ids
    private readonly Dictionary<ulong, ICollabConnection> _owners = [];
    // how many ids each connection owns (under the _owners lock), and how many it may
    private readonly Dictionary<ICollabConnection, int> _ownedCounts = new(ReferenceEqualityComparer.Instance);
    private readonly int _maxAwarenessStates;

    /// <inheritdoc />
    public void ApplyAwarenessUpdate(byte[] update, TransactionOrigin origin) => Awareness.ApplyUpdate(update, origin);

    /// <summary>
    /// Applies an awareness update from a connection: entries about client ids another connection owns are dropped,
    /// BeforeHandleAwareness may rewrite the states (a hook error drops the update, Appendix B8), removals are
    /// honoured (B1). Malformed updates throw <see cref="Yjs.Lib0.YjsDecodingException"/>.
    /// </summary>
    internal async ValueTask HandleAwarenessAsync(byte[] update, ICollabConnection connection, bool runHooks)
    {
        var entries = AwarenessUpdate.Decode(update);
        var origin = new ConnectionOrigin(connection);
        List<AwarenessUpdateEntry> accepted;
        lock (_owners)
        {
            // ids another connection owns are not this one's to set; new ids beyond the connection's limit are dropped
            // (a provider announces one per document; thousands would be held and sent to every joiner)
            var claimable = _maxAwarenessStates - _ownedCounts.GetValueOrDefault(connection);
            accepted = [.. entries.Where(e =>
            {
                if (_owners.TryGetValue(e.ClientId, out var owner))
                {
                    return owner == connection;
                }

                return e.State is null || claimable-- > 0;
            })];
        }

        if (runHooks)
        {
            var states = accepted.ToDictionary(e => e.ClientId, e => e.State);
            await _hooks.RunAsync("beforeHandleAwareness", new BeforeHandleAwarenessPayload
            {
                Services = _services,
                DocumentName = Name,
                Document = this,
                States = states,
                TransactionOrigin = origin,
                Connection = connection,
            }, static (x, p) => x.BeforeHandleAwareness(p)).ConfigureAwait(false);
            var clocks = accepted.ToDictionary(e => e.ClientId, e => e.Clock);
            var meta = Awareness.GetMeta();
            accepted = [.. states.Select(s => new AwarenessUpdateEntry(
                s.Key,
                clocks.TryGetValue(s.Key, out var clock) ? clock : (meta.TryGetValue(s.Key, out var m) ? m.Clock + 1 : 1),
                s.Value))];
        }

        if (accepted.Count > 0)
        {
            Awareness.ApplyUpdate(accepted.Count == entries.Count && !runHooks ? update : AwarenessUpdate.Encode(accepted), origin);
        }
    }

    /// <summary>Every awareness state, for QueryAwareness and joiners; null when there is none.</summary>
    internal byte[]? EncodeAllAwareness() => Awareness.EncodeFullUpdate();

    private List<ulong> ReleaseAwarenessOwnership(ICollabConnection connection)
    {
        lock (_owners)
        {
            var owned = _owners.Where(o => o.Value == connection).Select(o => o.Key).ToList();
            foreach (var id in owned)
            {
                _owners.Remove(id);
            }

            _ownedCounts.Remove(connection);

            return owned;
        }
    }

    private void OnAwarenessUpdate(object? sender, AwarenessChangeEventArgs e)
    {
        var connection = (e.Origin as ConnectionOrigin)?.Connection;
        if (connection is not null)
        {
            lock (_owners)
            {
                // B12: record added and updated ids, not only added ones
                foreach (var id in e.Added.Concat(e.Updated))
                {
                    if (!connection.IsClosed && _owners.TryAdd(id, connection))
                    {
                        _ownedCounts[connection] = _ownedCounts.GetValueOrDefault(connection) + 1;
                    }
                }

                foreach (var id in e.Removed)
                {
                    if (_owners.TryGetValue(id, out var owner) && owner == connection)
                    {
                        _owners.Remove(id);
                        if (--_ownedCounts[connection] == 0)
                        {
                            _ownedCounts.Remove(connection);
                        }
                    }
                }
            }
        }

        var changed = e.All.ToList();
        if (changed.Count == 0)
        {
            return;
        }

        Broadcaster.AddAwareness(changed);
        _hooks.Fire("onAwarenessUpdate", new OnAwarenessUpdatePayload
        {
            Services = _services,
            DocumentName = Name,
            Document = this,
            Added = e.Added,
            Updated = e.Updated,
            Removed = e.Removed,
            TransactionOrigin = e.Origin as TransactionOrigin,
            Connection = connection,
        }, static (x, p) => x.OnAwarenessUpdate(p));
    }

    /// <inheritdoc />
    public void BroadcastStateless(string payload, Func<ICollabConnection, bool>? filter = null)
    {
        ArgumentNullException.ThrowIfNull(payload);
        _hooks.Fire("beforeBroadcastStateless", new BeforeBroadcastStatelessPayload
        {
            Services = _services,
            DocumentName = Name,
            Document = this,
            Payload = payload,
        }, static (x, p) => x.BeforeBroadcastStateless(p));
        foreach (var connection in ConnectionSnapshot)
        {
            if (filter is null || filter(connection))
            {
                connection.SendStateless(payload);
            }
        }
    }

    /// <inheritdoc />
    public void DeliverStateless(string payload)
    {
        ArgumentNullException.ThrowIfNull(payload);
        foreach (var connection in ConnectionSnapshot)
        {
            connection.SendStateless(payload);
        }
    }
}
