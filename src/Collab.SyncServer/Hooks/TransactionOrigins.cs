namespace Collab.SyncServer.Hooks;

/// <summary>
/// Where a document change (or awareness change) came from (protocol.md §7.7). Decides whether the store
/// hooks run and whether a relay re-publishes the change.
/// </summary>
public abstract class TransactionOrigin
{
    /// <summary>True when the change must not schedule a store (it is already durable elsewhere).</summary>
    public virtual bool SkipStoreHooks => false;

    /// <summary>True when a relay should publish the change to other instances.</summary>
    public virtual bool ShouldRelay => true;

    /// <summary>A short description for logs (every origin says where it came from).</summary>
    /// <returns>The description.</returns>
    public abstract override string ToString();
}

/// <summary>A change sent by a client over a document connection.</summary>
/// <param name="connection">The connection.</param>
public sealed class ConnectionOrigin(ICollabConnection connection) : TransactionOrigin
{
    /// <summary>The connection the change arrived on.</summary>
    public ICollabConnection Connection { get; } = connection;

    /// <inheritdoc />
    public override string ToString() => $"connection {Connection.SocketId} {Connection.DocumentName}";
}

/// <summary>
/// A change that arrived through the cross-instance relay (Kafka, Redis, in-process): it is stored by the instance
/// or worker that accepted it, so store hooks are skipped and it is never re-published.
/// </summary>
/// <param name="source">The relay kind, e.g. "kafka".</param>
/// <param name="instance">The instance that originally accepted the change, when known.</param>
public sealed class RelayOrigin(string source = "relay", string? instance = null) : TransactionOrigin
{
    /// <summary>The relay kind.</summary>
    public string Source { get; } = source;

    /// <summary>The originating instance, when known.</summary>
    public string? Instance { get; } = instance;

    /// <inheritdoc />
    public override bool SkipStoreHooks => true;

    /// <inheritdoc />
    public override bool ShouldRelay => false;

    /// <inheritdoc />
    public override string ToString() => $"relay {Source} {Instance}";
}

/// <summary>A change made by server code (a <c>DirectConnection</c> or an extension).</summary>
/// <param name="context">Context handed to onChange and the store hooks.</param>
/// <param name="skipStoreHooks">True to change the document without scheduling a store.</param>
public sealed class LocalOrigin(IDictionary<string, object?>? context = null, bool skipStoreHooks = false) : TransactionOrigin
{
    /// <summary>Context of the change.</summary>
    public IDictionary<string, object?> Context { get; } = context ?? new Dictionary<string, object?>();

    /// <inheritdoc />
    public override bool SkipStoreHooks { get; } = skipStoreHooks;

    /// <inheritdoc />
    public override string ToString() => "local";
}
