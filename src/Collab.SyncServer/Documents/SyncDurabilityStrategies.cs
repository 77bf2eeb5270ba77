using Collab.Persistence.Storage;
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
/// The default: with <see cref="SyncDurability.Logged"/> the acknowledgement waits for the change to be in the
/// document's update log or in a store, whichever comes first; with <see cref="SyncDurability.Stored"/> (or Logged
/// without an update log) for a successful store that contains the change (stores are retried until they succeed);
/// when no extension stores documents there is nothing to wait for, and <see cref="SyncDurability.Applied"/>
/// acknowledges after apply like the reference.
/// </summary>
internal sealed class StoreSyncDurability(IOptions<SyncServerOptions> options, HookChain hooks) : ISyncDurability
{
    private readonly bool _waitForStore = options.Value.Durability != SyncDurability.Applied && hooks.Implements(nameof(ICollabExtension.OnStoreDocument));

    public Task WhenDurableAsync(ServerDocument document, long sequence)
    {
        // the log's mark also moves when a store covers a change (DocumentStore reports every store to it)
        if (document.Log is { } log)
        {
            return log.WhenLoggedAsync(sequence);
        }

        return _waitForStore ? document.Store.WhenStoredAsync(sequence) : Task.CompletedTask;
    }
}

/// <summary>Creates the <see cref="DocumentLog"/> of each loaded document when <see cref="SyncDurability.Logged"/> is on and an <see cref="IUpdateLog"/> is registered.</summary>
internal sealed class UpdateLogs(IOptions<SyncServerOptions> options, IServiceProvider services, ILogger<UpdateLogs> logger)
{
    private readonly IUpdateLog? _log = options.Value.Durability == SyncDurability.Logged ? services.GetService<IUpdateLog>() : null;

    public DocumentLog? For(string documentName) => _log is null ? null : new DocumentLog(documentName, _log, logger);
}
