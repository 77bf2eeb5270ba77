using Collab.SyncServer.Hooks;

namespace Collab.Tests.SyncServer.E2E;

/// <summary>
/// The server side the scenarios expect (tests/js/e2e/README.md, the same as tests/js/e2e/reference-server.mjs):
/// "valid-token" is read-write, "readonly-token" read-only, anything else is denied; a stateless payload starting
/// with "broadcast:" goes to every connection of the document, any other is answered to its sender as "echo:" + payload;
/// documents whose name starts with "unloadable" fail to load with the reason "load-failed".
/// Without <paramref name="checkTokens"/> the tokens are left to the server's own authentication (JWT).
/// </summary>
internal sealed class ScenarioHooks(bool checkTokens = true) : ICollabExtension
{
    public ValueTask OnAuthenticate(OnAuthenticatePayload payload)
    {
        if (!checkTokens)
        {
            return default;
        }

        switch (payload.Token)
        {
            case "valid-token":
                return default;
            case "readonly-token":
                payload.ConnectionConfig.ReadOnly = true;
                return default;
            default:
                throw new CollabRejectException("invalid-token");
        }
    }

    public ValueTask OnLoadDocument(OnLoadDocumentPayload payload) =>
        payload.DocumentName.StartsWith("unloadable", StringComparison.Ordinal)
            ? throw new CollabRejectException("load-failed")
            : default;

    public ValueTask OnStateless(OnStatelessPayload payload)
    {
        if (payload.Payload.StartsWith("broadcast:", StringComparison.Ordinal))
        {
            payload.Document.BroadcastStateless(payload.Payload);
        }
        else
        {
            payload.Connection.SendStateless("echo:" + payload.Payload);
        }

        return default;
    }
}
