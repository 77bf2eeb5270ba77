namespace Collab.Persistence.Storage;

/// <summary>What a queued write does.</summary>
internal enum SqliteWriteKind
{
    /// <summary>Replace the stored state (a full state; a newer queued one supersedes it).</summary>
    Store,

    /// <summary>Merge an update into the stored state.</summary>
    Merge,

    /// <summary>Delete the row (and the document's logged updates).</summary>
    Delete,

    /// <summary>Append an update to the document's update log (<c>document_updates</c>).</summary>
    Append,
}

/// <summary>
/// One write waiting for <see cref="SqliteWriter"/>. Callers await <see cref="Done"/> (true when a delete removed a
/// row); callers whose stores were coalesced into this entry share it.
/// </summary>
internal sealed class SqliteWrite(SqliteWriteKind kind, string name, byte[] data, long sequence = -1)
{
    public SqliteWriteKind Kind => kind;

    public string Name => name;

    /// <summary>The state or update; replaced (under the queue lock, before the writer takes the entry) when a newer store is coalesced.</summary>
    public byte[] Data { get; set; } = data;

    /// <summary>
    /// For <see cref="SqliteWriteKind.Append"/> the update's change sequence; for <see cref="SqliteWriteKind.Store"/> the
    /// change sequence the state covers (stored as <c>log_sequence</c>; the sweep deletes logged updates up to it), or -1.
    /// </summary>
    public long Sequence { get; set; } = sequence;

    /// <summary>The order in which writes were queued (across the writer's queues).</summary>
    public long Ticket { get; init; }

    public TaskCompletionSource<bool> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Called on the writer thread when the write committed (null) or failed, before <see cref="Done"/> completes; appends only.</summary>
    public Action<Exception?>? Committed { get; init; }

    public void Succeed(bool result)
    {
        Committed?.Invoke(null);
        Done.TrySetResult(result);
    }

    public void Fail(Exception error)
    {
        Committed?.Invoke(error);
        Done.TrySetException(error);
    }
}
