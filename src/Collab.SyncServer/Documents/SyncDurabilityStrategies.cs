using Collab.SyncServer.Hooks;
using Microsoft.Extensions.Options;

namespace Collab.SyncServer.Documents;

/// <summary>
/// Decides when an applied client update counts as durable, i.e. when the client gets SyncStatus(1). Replace
/// the registration to acknowledge after another medium (for example after a Kafka append).
/// </summary>
public interface ISyncDurability
{
    /// <summary>Completes when the change with <paramref name="sequence"/> (see <see cref="ServerDocument.ChangeSequence"/>) is durable.</summary>
    Task WhenDurableAsync(ServerDocument document, long sequence);
}

/// <summary>
/// The default: with <see cref="SyncDurability.Stored"/> the acknowledgement waits for a successful store that
/// contains the change (stores are retried until they succeed); when no extension stores documents there is
/// nothing to wait for, and <see cref="SyncDurability.Applied"/> acknowledges after apply like the reference.
/// </summary>
internal sealed class StoreSyncDurability(IOptions<SyncServerOptions> options, HookChain hooks) : ISyncDurability
{
    private readonly bool _waitForStore = options.Value.Durability == SyncDurability.Stored && hooks.Implements(nameof(ICollabExtension.OnStoreDocument));

    public Task WhenDurableAsync(ServerDocument document, long sequence) =>
        _waitForStore ? document.Store.WhenStoredAsync(sequence) : Task.CompletedTask;
}
