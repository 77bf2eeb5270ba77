using System.Collections.Concurrent;
using Collab.Persistence.Storage;

namespace Collab.Tests.PersistenceWorker;

/// <summary>A store in front of another that can hold writes back (closed gate) or fail them, and counts them.</summary>
internal sealed class GatedStore(IDocumentStore inner) : IDocumentStore
{
    private volatile TaskCompletionSource _open = Opened();

    public volatile bool Failing;

    public int Writes;

    public void Close() => _open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Open() => _open.TrySetResult();

    private static TaskCompletionSource Opened()
    {
        var open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        open.SetResult();
        return open;
    }

    public Task<byte[]?> LoadAsync(string documentName, CancellationToken cancellationToken = default) => inner.LoadAsync(documentName, cancellationToken);

    public async Task StoreAsync(string documentName, ReadOnlyMemory<byte> state, CancellationToken cancellationToken = default)
    {
        await _open.Task.WaitAsync(cancellationToken);
        if (Failing)
        {
            throw new IOException("Simulated storage failure (the disk is unavailable).");
        }

        await inner.StoreAsync(documentName, state, cancellationToken);
        Interlocked.Increment(ref Writes);
    }

    public Task MergeAsync(string documentName, ReadOnlyMemory<byte> update, CancellationToken cancellationToken = default) => inner.MergeAsync(documentName, update, cancellationToken);

    public Task<bool> DeleteAsync(string documentName, CancellationToken cancellationToken = default) => inner.DeleteAsync(documentName, cancellationToken);

    public Task<IReadOnlyList<StoredDocumentInfo>> ListAsync(string? prefix = null, string? after = null, int limit = 1000, CancellationToken cancellationToken = default) =>
        inner.ListAsync(prefix, after, limit, cancellationToken);
}

/// <summary>
/// One store two workers share, checking every write: no two writes of one document overlap, and the writing worker owns
/// the document's partition at that moment while no other worker does.
/// </summary>
internal sealed class OwnershipCheckingStore(IDocumentStore inner, int partitions) : IDocumentStore
{
    private readonly ConcurrentDictionary<string, string> _writing = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Func<IReadOnlyCollection<int>>> _owners = new(StringComparer.Ordinal);

    public ConcurrentQueue<string> Violations { get; } = new();

    public ConcurrentDictionary<string, int> WritesByWorker { get; } = new(StringComparer.Ordinal);

    /// <summary>A view of one worker through this store: its writes are checked as that worker's.</summary>
    public IDocumentStore For(string worker, Func<IReadOnlyCollection<int>> ownedPartitions)
    {
        _owners[worker] = ownedPartitions;
        return new View(this, worker);
    }

    public void Forget(string worker) => _owners.TryRemove(worker, out _);

    private async Task StoreAsync(string worker, string documentName, ReadOnlyMemory<byte> state, CancellationToken cancellationToken)
    {
        var partition = Collab.Persistence.Worker.KafkaTailReader.PartitionOf(documentName, partitions);
        if (!_writing.TryAdd(documentName, worker))
        {
            Violations.Enqueue($"{worker} wrote {documentName} while {_writing.GetValueOrDefault(documentName)} was writing it");
        }

        foreach (var (other, owned) in _owners)
        {
            var owns = owned().Contains(partition);
            if (other == worker && !owns)
            {
                Violations.Enqueue($"{worker} wrote {documentName} (partition {partition}) without owning the partition");
            }
            else if (other != worker && owns)
            {
                Violations.Enqueue($"{worker} wrote {documentName} (partition {partition}) while {other} owned the partition");
            }
        }

        try
        {
            await inner.StoreAsync(documentName, state, cancellationToken);
            WritesByWorker.AddOrUpdate(worker, 1, (_, n) => n + 1);
        }
        finally
        {
            _writing.TryRemove(documentName, out _);
        }
    }

    public Task<byte[]?> LoadAsync(string documentName, CancellationToken cancellationToken = default) => inner.LoadAsync(documentName, cancellationToken);

    public Task StoreAsync(string documentName, ReadOnlyMemory<byte> state, CancellationToken cancellationToken = default) => StoreAsync("?", documentName, state, cancellationToken);

    public Task MergeAsync(string documentName, ReadOnlyMemory<byte> update, CancellationToken cancellationToken = default) => inner.MergeAsync(documentName, update, cancellationToken);

    public Task<bool> DeleteAsync(string documentName, CancellationToken cancellationToken = default) => inner.DeleteAsync(documentName, cancellationToken);

    public Task<IReadOnlyList<StoredDocumentInfo>> ListAsync(string? prefix = null, string? after = null, int limit = 1000, CancellationToken cancellationToken = default) =>
        inner.ListAsync(prefix, after, limit, cancellationToken);

    private sealed class View(OwnershipCheckingStore shared, string worker) : IDocumentStore
    {
        public Task<byte[]?> LoadAsync(string documentName, CancellationToken cancellationToken = default) => shared.LoadAsync(documentName, cancellationToken);

        public Task StoreAsync(string documentName, ReadOnlyMemory<byte> state, CancellationToken cancellationToken = default) => shared.StoreAsync(worker, documentName, state, cancellationToken);

        public Task MergeAsync(string documentName, ReadOnlyMemory<byte> update, CancellationToken cancellationToken = default) => shared.MergeAsync(documentName, update, cancellationToken);

        public Task<bool> DeleteAsync(string documentName, CancellationToken cancellationToken = default) => shared.DeleteAsync(documentName, cancellationToken);

        public Task<IReadOnlyList<StoredDocumentInfo>> ListAsync(string? prefix = null, string? after = null, int limit = 1000, CancellationToken cancellationToken = default) =>
            shared.ListAsync(prefix, after, limit, cancellationToken);
    }
}
