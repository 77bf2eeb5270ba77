using Collab.Yjs;
using Collab.Yjs.Protocols;

namespace Collab.SyncServer.Hooks;

/// <summary>
/// A document held by the server. <see cref="Doc"/> is not thread-safe: outside OnCreate/OnLoad hooks read and
/// write it through <see cref="Read{T}"/> and <see cref="Transact"/>, which hold the document lock.
/// </summary>
public interface ICollabDocument
{
    /// <summary>The document name.</summary>
    string Name { get; }

    /// <summary>The Yjs document (see the type remarks for thread safety).</summary>
    Doc Doc { get; }

    /// <summary>The awareness of the document (the server's own state is null).</summary>
    Awareness Awareness { get; }

    /// <summary>Connections (WebSocket and direct) currently attached.</summary>
    int ConnectionCount { get; }

    /// <summary>The attached connections.</summary>
    IReadOnlyCollection<ICollabConnection> Connections { get; }

    /// <summary>Runs <paramref name="read"/> under the document lock.</summary>
    T Read<T>(Func<Doc, T> read);

    /// <summary>Changes the document in one transaction under the document lock; the change is broadcast, stored and relayed according to <paramref name="origin"/>.</summary>
    void Transact(Action<Transaction> change, TransactionOrigin origin);

    /// <summary>Applies an encoded v1 update (validated completely first) with the given origin.</summary>
    void ApplyUpdate(byte[] update, TransactionOrigin origin);

    /// <summary>Applies an encoded awareness update with the given origin (relays use this).</summary>
    void ApplyAwarenessUpdate(byte[] update, TransactionOrigin origin);

    /// <summary>Sends a Stateless message to every connection (after BeforeBroadcastStateless, which relays use).</summary>
    void BroadcastStateless(string payload, Func<ICollabConnection, bool>? filter = null);

    /// <summary>Sends a Stateless message to every local connection without running BeforeBroadcastStateless (what a relay does with a received broadcast).</summary>
    void DeliverStateless(string payload);
}
