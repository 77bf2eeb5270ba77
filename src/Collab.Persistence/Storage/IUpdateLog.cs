namespace Collab.Persistence.Storage;

/// <summary>
/// A durable log of the updates of documents whose full state has not been stored since. An update counts as saved once
/// its append returns (appends that arrive together are committed together); the next full store of the document
/// deletes the updates it covers, and loading a document folds what is left into its state. Replaying an update is
/// harmless in Yjs, so a crash between an append and a store, or during a fold, loses and corrupts nothing.
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

    /// <summary>Replaces the stored state and deletes the logged updates up to <paramref name="coveredSequence"/>, in one transaction.</summary>
    Task StoreAsync(string documentName, ReadOnlyMemory<byte> state, long coveredSequence, CancellationToken cancellationToken = default);

    /// <summary>How many updates are logged for <paramref name="documentName"/> (for tests and operators).</summary>
    Task<long> CountLoggedAsync(string documentName, CancellationToken cancellationToken = default);
}
