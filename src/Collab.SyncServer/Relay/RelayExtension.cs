using Collab.Relay;
using Collab.SyncServer.Documents;
using Collab.SyncServer.Hooks;

namespace Collab.SyncServer.Relay;

/// <summary>
/// The relay's server hooks (priority 1000, before persistence, like the Hocuspocus Redis extension): a loaded
/// document is joined and synchronised with the peers; local changes are relayed as Yjs updates (not as state vectors:
/// the transports are ordered), awareness changes and stateless broadcasts as signals; an unloading document first waits
/// for its relayed updates to be acknowledged. Changes with a <see cref="RelayOrigin"/> are never relayed again.
/// </summary>
internal sealed class RelayExtension(RelayService relay) : ICollabExtension
{
    public int Priority => 1000;

    public async ValueTask AfterLoadDocument(OnLoadDocumentPayload payload)
    {
        if (payload.Document is ServerDocument document)
        {
            await relay.HoldAsync(document).ConfigureAwait(false);
        }
    }

    public ValueTask OnChange(OnChangePayload payload)
    {
        if (payload.TransactionOrigin.ShouldRelay)
        {
            // under the document's lock, right after the change was counted: its sequence is the document's now
            relay.PublishUpdate(payload.DocumentName, payload.Update, (payload.Document as ServerDocument)?.ChangeSequence ?? 0);
        }

        return default;
    }

    public ValueTask OnAwarenessUpdate(OnAwarenessUpdatePayload payload)
    {
        if (payload.TransactionOrigin is { ShouldRelay: false } || payload.Document is not ServerDocument document)
        {
            return default;
        }

        var changed = payload.Added.Concat(payload.Updated).Concat(payload.Removed).ToList();
        if (changed.Count > 0)
        {
            relay.Publish(RelayKind.Awareness, payload.DocumentName, document.Awareness.EncodeUpdate(changed));
        }

        return default;
    }

    public ValueTask BeforeBroadcastStateless(BeforeBroadcastStatelessPayload payload)
    {
        relay.Publish(RelayKind.Stateless, payload.DocumentName, System.Text.Encoding.UTF8.GetBytes(payload.Payload));
        return default;
    }

    public async ValueTask BeforeUnloadDocument(DocumentPayload payload) =>
        await relay.DrainAsync(payload.DocumentName).ConfigureAwait(false);

    public async ValueTask AfterUnloadDocument(AfterUnloadDocumentPayload payload) =>
        await relay.ReleaseAsync(payload.DocumentName).ConfigureAwait(false);
}
