using Collab.SyncServer.Documents;

namespace Collab.SyncServer.Relay;

/// <summary>
/// SyncStatus once a change is durable here (the local update log or store, as <see cref="StoreSyncDurability"/>
/// decides) and the relay's transport has acknowledged its update (Kafka: written to every in-sync replica), so a
/// client's "saved" holds across the cluster. While the transport is down acknowledgements wait; an update the
/// transport gives up on (after <c>UpdatesTimeout</c>) is acknowledged from the local log and resynchronised later.
/// </summary>
internal sealed class RelayedSyncDurability(StoreSyncDurability local, RelayService relay) : ISyncDurability
{
    public Task WhenDurableAsync(ServerDocument document, long sequence)
    {
        var here = local.WhenDurableAsync(document, sequence);
        var relayed = relay.WhenRelayedAsync(document, sequence);
        return relayed.IsCompleted ? here : here.IsCompleted ? relayed : Task.WhenAll(here, relayed);
    }
}
