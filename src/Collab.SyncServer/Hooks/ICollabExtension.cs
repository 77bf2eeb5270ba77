namespace Collab.SyncServer.Hooks;

/// <summary>
/// A server extension, the C# form of a Hocuspocus extension: every hook of the server has a default
/// implementation that does nothing, so an extension overrides only what it needs. Extensions are resolved
/// from DI (<see cref="CollabExtensionServiceCollectionExtensions.AddCollabExtension{T}(Microsoft.Extensions.DependencyInjection.IServiceCollection)"/>)
/// and run highest <see cref="Priority"/> first.
/// </summary>
/// <remarks>
/// Awaited hooks stop their chain when they throw: <see cref="CollabRejectException"/> rejects with a close code
/// and reason, <see cref="SkipFurtherHooksException"/> ends the chain silently (treated as success where the
/// reference treats it so). Hooks that are not awaited (OnChange, OnAwarenessUpdate, OnStateless,
/// BeforeBroadcastStateless) only have their errors logged.
/// </remarks>
public interface ICollabExtension
{
    /// <summary>Order of the chain: higher runs first. Default 100.</summary>
    int Priority => 100;

    /// <summary>The server was configured (host built, before listening). Initialise the extension here.</summary>
    ValueTask OnConfigure(OnConfigurePayload payload) => default;

    /// <summary>The server listens. Throwing stops the host from starting.</summary>
    ValueTask OnListen(OnListenPayload payload) => default;

    /// <summary>A plain HTTP request reached a server endpoint. Answer it and set <see cref="OnRequestPayload.Handled"/> (or throw <see cref="SkipFurtherHooksException"/>) to suppress the default answer.</summary>
    ValueTask OnRequest(OnRequestPayload payload) => default;

    /// <summary>A WebSocket upgrade request arrived. Throw <see cref="CollabRejectException"/> to refuse it (HTTP 403, or 401 for code 4401).</summary>
    ValueTask OnUpgrade(OnUpgradePayload payload) => default;

    /// <summary>The Auth message of a document address arrived; runs before <see cref="OnAuthenticate"/>. Write into the context, set read-only, or throw to deny.</summary>
    ValueTask OnConnect(OnConnectPayload payload) => default;

    /// <summary>Checks the token. Write into the context, set read-only, or throw to deny (PermissionDenied).</summary>
    ValueTask OnAuthenticate(OnAuthenticatePayload payload) => default;

    /// <summary>A document is about to be created: may change <see cref="OnCreateDocumentPayload.DocumentOptions"/>.</summary>
    ValueTask OnCreateDocument(OnCreateDocumentPayload payload) => default;

    /// <summary>Loads the stored state into <see cref="DocumentPayload.Document"/>. Throwing fails the load (nothing is stored).</summary>
    ValueTask OnLoadDocument(OnLoadDocumentPayload payload) => default;

    /// <summary>The document finished loading (relays subscribe and catch up here). Throwing fails the load.</summary>
    ValueTask AfterLoadDocument(OnLoadDocumentPayload payload) => default;

    /// <summary>A document connection was established and its queued messages replayed. Errors are logged only.</summary>
    ValueTask Connected(ConnectedPayload payload) => default;

    /// <summary>Before each inbound message of an established connection. Throwing closes the document connection.</summary>
    ValueTask BeforeHandleMessage(MessagePayload payload) => default;

    /// <summary>Before each inbound sync message. Throwing closes the document connection.</summary>
    ValueTask BeforeSync(BeforeSyncPayload payload) => default;

    /// <summary>Before an inbound awareness update is applied: mutate <see cref="BeforeHandleAwarenessPayload.States"/> to rewrite it; throwing drops the update.</summary>
    ValueTask BeforeHandleAwareness(BeforeHandleAwarenessPayload payload) => default;

    /// <summary>Awareness changed (any origin, timeouts included). Not awaited.</summary>
    ValueTask OnAwarenessUpdate(OnAwarenessUpdatePayload payload) => default;

    /// <summary>A client sent a Stateless message. Not awaited.</summary>
    ValueTask OnStateless(OnStatelessPayload payload) => default;

    /// <summary>A stateless broadcast to every connection of a document is about to happen (relays publish here). Not awaited.</summary>
    ValueTask BeforeBroadcastStateless(BeforeBroadcastStatelessPayload payload) => default;

    /// <summary>The document changed (any origin). Not awaited.</summary>
    ValueTask OnChange(OnChangePayload payload) => default;

    /// <summary>After an inbound message was handled (also when handling failed). Errors are logged only.</summary>
    ValueTask AfterHandleMessage(MessagePayload payload) => default;

    /// <summary>Persist the document (debounced). Throw <see cref="SkipFurtherHooksException"/> to skip the rest as success; other errors make the server retry later.</summary>
    ValueTask OnStoreDocument(StoreDocumentPayload payload) => default;

    /// <summary>All <see cref="OnStoreDocument"/> hooks succeeded.</summary>
    ValueTask AfterStoreDocument(StoreDocumentPayload payload) => default;

    /// <summary>A Token message arrived on an established connection (token refresh). Throwing closes the document connection (default 4401).</summary>
    ValueTask OnTokenSync(OnTokenSyncPayload payload) => default;

    /// <summary>A document connection closed (awaited before the store/unload decision).</summary>
    ValueTask OnDisconnect(OnDisconnectPayload payload) => default;

    /// <summary>Before a document is unloaded. Throwing cancels the unload.</summary>
    ValueTask BeforeUnloadDocument(DocumentPayload payload) => default;

    /// <summary>After a document was unloaded.</summary>
    ValueTask AfterUnloadDocument(AfterUnloadDocumentPayload payload) => default;

    /// <summary>The server shut down (every document stored and unloaded).</summary>
    ValueTask OnDestroy(OnDestroyPayload payload) => default;
}
