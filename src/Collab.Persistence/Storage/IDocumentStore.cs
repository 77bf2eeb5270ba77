namespace Collab.Persistence.Storage;

/// <summary>
/// Durable storage of Yjs documents by name, each held as one merged Yjs v1 update (the full state).
/// Transport-neutral: the SyncServer's embedded persistence, the Kafka persistence worker and other
/// backends (S3) all speak this interface.
/// </summary>
public interface IDocumentStore
{
    /// <summary>The stored state of a document as a Yjs v1 update, or null when nothing is stored under that name.</summary>
    /// <exception cref="DocumentStoreCorruptedException">The stored data cannot be read back intact.</exception>
    Task<byte[]?> LoadAsync(string documentName, CancellationToken cancellationToken = default);

    /// <summary>Replaces the stored state of a document with <paramref name="state"/> (a full Yjs v1 update).</summary>
    Task StoreAsync(string documentName, ReadOnlyMemory<byte> state, CancellationToken cancellationToken = default);

    /// <summary>
    /// Merges <paramref name="update"/> into the stored state atomically (read, merge, write in one transaction),
    /// creating the document when it does not exist. For writers that hold deltas rather than whole states.
    /// </summary>
    Task MergeAsync(string documentName, ReadOnlyMemory<byte> update, CancellationToken cancellationToken = default);

    /// <summary>Deletes a document; true when something was deleted.</summary>
    Task<bool> DeleteAsync(string documentName, CancellationToken cancellationToken = default);

    /// <summary>Stored documents ordered by name, optionally only names starting with <paramref name="prefix"/>, after <paramref name="after"/> (paging).</summary>
    Task<IReadOnlyList<StoredDocumentInfo>> ListAsync(string? prefix = null, string? after = null, int limit = 1000, CancellationToken cancellationToken = default);
}
