namespace Collab.Persistence.Storage;

/// <summary>
/// A durable log of the updates of documents whose full state has not been stored since. An update counts as saved once
/// its append returns (appends that arrive together are committed together); a full store of the document records the
/// change sequence it covers, covered updates are deleted in the background, and loading a document returns its state
/// with the updates after it. A document's change sequences continue across loads (<see cref="LoggedDocument.Sequence"/>).
/// Replaying an update is harmless in Yjs, so a crash between an append and a store loses and corrupts nothing.
/// </summary>
public interface IUpdateLog
{
    /// <summary>
    /// Appends <paramref name="update"/>, the document's change number <paramref name="sequence"/>, and calls
    /// <paramref name="committed"/> once it is durable (with null) or failed (with the error). The call comes on the
    /// log's own writer thread, once per append: keep it short and never block in it.
    /// </summary>
    void Append(string documentName, long sequence, ReadOnlyMemory<byte> update, Action<Exception?> committed);

    /// <summary>Appends <paramref name="update"/>, the document's change number <paramref name="sequence"/>; completes once it is durable.</summary>
    Task AppendAsync(string documentName, long sequence, ReadOnlyMemory<byte> update, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Append(documentName, sequence, update, error =>
        {
            if (error is null)
            {
                done.TrySetResult();
            }
            else
            {
                done.TrySetException(error);
            }
        });
        return cancellationToken.CanBeCanceled ? done.Task.WaitAsync(cancellationToken) : done.Task;
    }

    /// <summary>Replaces the stored state, which covers the changes up to <paramref name="coveredSequence"/>; the logged updates up to it are deleted later.</summary>
    Task StoreAsync(string documentName, ReadOnlyMemory<byte> state, long coveredSequence, CancellationToken cancellationToken = default);

    /// <summary>The stored state, the logged updates after it and the last change sequence; null when nothing is stored or logged.</summary>
    Task<LoggedDocument?> LoadLoggedAsync(string documentName, CancellationToken cancellationToken = default);

    /// <summary>How many updates are logged for <paramref name="documentName"/>, covered ones not swept yet included (for tests and operators).</summary>
    Task<long> CountLoggedAsync(string documentName, CancellationToken cancellationToken = default);
}
