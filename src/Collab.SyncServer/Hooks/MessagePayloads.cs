using Collab.Yjs.Protocols;

namespace Collab.SyncServer.Hooks;

/// <summary>A payload about one established connection.</summary>
public abstract class ConnectionEventPayload : DocumentPayload
{
    /// <summary>The connection.</summary>
    public required ICollabConnection Connection { get; init; }

    /// <summary>The connection context.</summary>
    public IDictionary<string, object?> Context => Connection.Context;

    /// <summary>Headers of the upgrade request.</summary>
    public IHeaderDictionary RequestHeaders => Connection.RequestHeaders;

    /// <summary>Query parameters of the upgrade request.</summary>
    public IQueryCollection RequestParameters => Connection.RequestParameters;

    /// <summary>The socket id.</summary>
    public string SocketId => Connection.SocketId;
}

/// <summary>Payload of BeforeHandleMessage and AfterHandleMessage.</summary>
public sealed class MessagePayload : ConnectionEventPayload
{
    /// <summary>The raw inbound frame.</summary>
    public required ReadOnlyMemory<byte> Update { get; init; }

    /// <summary>Connections of the document.</summary>
    public int ClientsCount => Document.ConnectionCount;

    /// <summary>In AfterHandleMessage: the error handling threw, if any.</summary>
    public Exception? Error { get; init; }
}

/// <summary>Payload of BeforeSync.</summary>
public sealed class BeforeSyncPayload : ConnectionEventPayload
{
    /// <summary>The sync message type.</summary>
    public required SyncMessageType Type { get; init; }

    /// <summary>The sync payload (state vector or update).</summary>
    public required byte[] Payload { get; init; }
}

/// <summary>Payload of BeforeHandleAwareness.</summary>
public sealed class BeforeHandleAwarenessPayload : DocumentPayload
{
    /// <summary>The states of the update (client id → parsed JSON state, null = removed): add, change or remove entries to rewrite the update.</summary>
    public required IDictionary<ulong, object?> States { get; init; }

    /// <summary>Where the update came from.</summary>
    public required TransactionOrigin TransactionOrigin { get; init; }

    /// <summary>The connection, when the update came from one.</summary>
    public ICollabConnection? Connection { get; init; }

    /// <summary>The document's awareness.</summary>
    public Awareness Awareness => Document.Awareness;
}

/// <summary>Payload of OnAwarenessUpdate.</summary>
public sealed class OnAwarenessUpdatePayload : DocumentPayload
{
    /// <summary>Client ids that appeared.</summary>
    public required IReadOnlyList<ulong> Added { get; init; }

    /// <summary>Client ids whose state or clock changed.</summary>
    public required IReadOnlyList<ulong> Updated { get; init; }

    /// <summary>Client ids that left.</summary>
    public required IReadOnlyList<ulong> Removed { get; init; }

    /// <summary>Where the change came from (null for timeouts).</summary>
    public TransactionOrigin? TransactionOrigin { get; init; }

    /// <summary>The connection, when the change came from one.</summary>
    public ICollabConnection? Connection { get; init; }

    /// <summary>The document's awareness.</summary>
    public Awareness Awareness => Document.Awareness;
}

/// <summary>Payload of OnStateless.</summary>
public sealed class OnStatelessPayload : ConnectionEventPayload
{
    /// <summary>The application payload.</summary>
    public required string Payload { get; init; }
}

/// <summary>Payload of BeforeBroadcastStateless.</summary>
public sealed class BeforeBroadcastStatelessPayload : DocumentPayload
{
    /// <summary>The application payload.</summary>
    public required string Payload { get; init; }
}

/// <summary>Payload of OnChange.</summary>
public sealed class OnChangePayload : DocumentPayload
{
    /// <summary>The update bytes (v1) of the change.</summary>
    public required byte[] Update { get; init; }

    /// <summary>Where the change came from.</summary>
    public required TransactionOrigin TransactionOrigin { get; init; }

    /// <summary>The connection, when the change came from one.</summary>
    public ICollabConnection? Connection => (TransactionOrigin as ConnectionOrigin)?.Connection;

    /// <summary>The connection's context, or a local origin's context.</summary>
    public required IDictionary<string, object?> Context { get; init; }

    /// <summary>Connections of the document.</summary>
    public required int ClientsCount { get; init; }
}

/// <summary>Payload of OnTokenSync.</summary>
public sealed class OnTokenSyncPayload : ConnectionEventPayload
{
    /// <summary>The new token.</summary>
    public required string Token { get; init; }
}

/// <summary>Payload of OnDisconnect.</summary>
public sealed class OnDisconnectPayload : ConnectionEventPayload
{
    /// <summary>Connections that remain on the document.</summary>
    public required int ClientsCount { get; init; }

    /// <summary>The close code of the document connection.</summary>
    public required int Code { get; init; }

    /// <summary>The close reason.</summary>
    public required string Reason { get; init; }
}

/// <summary>Payload of OnStoreDocument and AfterStoreDocument (no connection data: stores are debounced).</summary>
public sealed class StoreDocumentPayload : DocumentPayload
{
    /// <summary>The complete document state (v1 update), encoded under the document lock when the store began.</summary>
    public required byte[] State { get; init; }

    /// <summary>The change sequence <see cref="State"/> covers (<see cref="Documents.ServerDocument.ChangeSequence"/> when it was encoded).</summary>
    public long Sequence { get; init; }

    /// <summary>Connections of the document.</summary>
    public required int ClientsCount { get; init; }

    /// <summary>Context of the change that last (re)scheduled the store.</summary>
    public required IDictionary<string, object?> LastContext { get; init; }

    /// <summary>Origin of the change that last (re)scheduled the store.</summary>
    public TransactionOrigin? LastTransactionOrigin { get; init; }
}

/// <summary>Payload of AfterUnloadDocument.</summary>
public sealed class AfterUnloadDocumentPayload : HookPayload
{
    /// <summary>The document name.</summary>
    public required string DocumentName { get; init; }
}

/// <summary>Payload of OnDestroy.</summary>
public sealed class OnDestroyPayload : HookPayload;
