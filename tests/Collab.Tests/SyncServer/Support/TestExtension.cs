using Collab.SyncServer.Hooks;

namespace Collab.Tests.SyncServer.Support;

/// <summary>A hand-written fake extension: set the hooks a test needs as delegates.</summary>
internal sealed class TestExtension : ICollabExtension
{
    public Func<OnAuthenticatePayload, ValueTask>? Authenticate { get; init; }

    public Func<OnLoadDocumentPayload, ValueTask>? Load { get; init; }

    public Func<StoreDocumentPayload, ValueTask>? Store { get; init; }

    public Func<OnStatelessPayload, ValueTask>? Stateless { get; init; }

    public Func<OnDisconnectPayload, ValueTask>? Disconnect { get; init; }

    public Func<AfterUnloadDocumentPayload, ValueTask>? AfterUnload { get; init; }

    public Func<OnTokenSyncPayload, ValueTask>? TokenSync { get; init; }

    public Func<OnChangePayload, ValueTask>? Change { get; init; }

    public Func<ConnectedPayload, ValueTask>? OnConnected { get; init; }

    public ValueTask Connected(ConnectedPayload payload) => OnConnected?.Invoke(payload) ?? default;

    public ValueTask OnAuthenticate(OnAuthenticatePayload payload) => Authenticate?.Invoke(payload) ?? default;

    public ValueTask OnLoadDocument(OnLoadDocumentPayload payload) => Load?.Invoke(payload) ?? default;

    public ValueTask OnStoreDocument(StoreDocumentPayload payload) => Store?.Invoke(payload) ?? default;

    public ValueTask OnStateless(OnStatelessPayload payload) => Stateless?.Invoke(payload) ?? default;

    public ValueTask OnDisconnect(OnDisconnectPayload payload) => Disconnect?.Invoke(payload) ?? default;

    public ValueTask AfterUnloadDocument(AfterUnloadDocumentPayload payload) => AfterUnload?.Invoke(payload) ?? default;

    public ValueTask OnTokenSync(OnTokenSyncPayload payload) => TokenSync?.Invoke(payload) ?? default;

    public ValueTask OnChange(OnChangePayload payload) => Change?.Invoke(payload) ?? default;
}

/// <summary>Stores document states in memory, optionally failing the first attempts.</summary>
internal sealed class MemoryStore
{
    private int _failuresLeft;

    public MemoryStore(int failures = 0) => _failuresLeft = failures;

    public Dictionary<string, byte[]> Documents { get; } = [];

    public List<string> Attempts { get; } = [];

    public TaskCompletionSource FirstSuccess { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TestExtension Extension => new()
    {
        Load = p =>
        {
            lock (Documents)
            {
                if (Documents.TryGetValue(p.DocumentName, out var state))
                {
                    p.Document.Doc.ApplyUpdate(state);
                }
            }

            return default;
        },
        Store = p =>
        {
            lock (Documents)
            {
                Attempts.Add(p.DocumentName);
                if (_failuresLeft > 0)
                {
                    _failuresLeft--;
                    throw new IOException("disk full");
                }

                Documents[p.DocumentName] = p.State;
            }

            FirstSuccess.TrySetResult();
            return default;
        },
    };

    public int AttemptCount
    {
        get
        {
            lock (Documents)
            {
                return Attempts.Count;
            }
        }
    }
}
