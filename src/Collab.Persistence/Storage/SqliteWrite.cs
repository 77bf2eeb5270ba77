namespace Collab.Persistence.Storage;

/// <summary>What a queued write does.</summary>
internal enum SqliteWriteKind
{
    /// <summary>Replace the stored state (a full state; a newer queued one supersedes it).</summary>
    Store,

    /// <summary>Merge an update into the stored state.</summary>
    Merge,

    /// <summary>Delete the row.</summary>
    Delete,
}

/// <summary>
/// One write waiting for <see cref="SqliteWriter"/>. Callers await <see cref="Done"/> (true when a delete removed a
/// row); callers whose stores were coalesced into this entry share it.
/// </summary>
internal sealed class SqliteWrite(SqliteWriteKind kind, string name, byte[] data)
{
    public SqliteWriteKind Kind => kind;

    public string Name => name;

    /// <summary>The state or update; replaced (under the queue lock, before the writer takes the entry) when a newer store is coalesced.</summary>
    public byte[] Data { get; set; } = data;

    public TaskCompletionSource<bool> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
