using Collab.Yjs;

namespace Collab.Persistence.Worker;

/// <summary>
/// One document the worker has consumed updates for: the updates not yet written, the lowest offset not yet durable,
/// and (between writes) the merged state in memory. Guarded by <see cref="WorkerDocuments"/>' lock, except
/// <see cref="State"/>, which only the one write in flight (<see cref="Writing"/>) touches.
/// </summary>
internal sealed class WorkerDocument(string name, int partition)
{
    public string Name { get; } = name;

    public int Partition { get; } = partition;

    /// <summary>Consumed updates not yet in a write, in offset order.</summary>
    public List<(long Offset, byte[] Update)> Pending { get; set; } = [];

    /// <summary>The lowest offset whose update is not durably stored yet (pending or being written), or -1.</summary>
    public long FirstUnwritten { get; set; } = -1;

    /// <summary>When the oldest unwritten update arrived (timestamp), for MaxDebounce.</summary>
    public long FirstPendingAt { get; set; }

    /// <summary>When the last update arrived (timestamp), for Debounce and the idle timeout.</summary>
    public long LastUpdateAt { get; set; }

    /// <summary>No write before this timestamp (after a failed one).</summary>
    public long RetryAt { get; set; }

    public int Failures { get; set; }

    /// <summary>The write in flight, or null.</summary>
    public Task? Writing { get; set; }

    /// <summary>The merged state (loaded from the store on the first write); null until then or after the idle timeout.</summary>
    public Doc? State { get; set; }

    public bool IsClean => Pending.Count == 0 && Writing is null;
}
