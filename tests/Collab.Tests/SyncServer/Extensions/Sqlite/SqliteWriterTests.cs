using System.Collections.Concurrent;
using Collab.Persistence.Storage;

namespace Collab.Tests.SyncServer.Extensions.Sqlite;

/// <summary>The single writer of <see cref="SqliteDocumentStore"/>: group commit, coalescing, ordering, failures, shutdown.</summary>
public sealed class SqliteWriterTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task ManyConcurrentStoresAllCompleteAndTheNewestStateOfEachDocumentIsLoaded()
    {
        var ct = TestContext.Current.CancellationToken;
        using var store = new SqliteDocumentStore(_folder.File("collab.db"));
        var states = Enumerable.Range(0, 500).Select(i => Enumerable.Range(1, 4).Select(v => TextStates.Of($"{i}-v{v}")).ToArray()).ToArray();

        await Task.WhenAll(Enumerable.Range(0, 500).Select(i => Task.Run(async () =>
        {
            var name = "doc-" + i;
            await store.StoreAsync(name, states[i][0], ct);
            await Task.WhenAll(store.StoreAsync(name, states[i][1], ct), store.StoreAsync(name, states[i][2], ct));
            await store.StoreAsync(name, states[i][3], ct);
        }, ct))).WaitAsync(Patience, ct);

        Assert.Equal(500, (await store.ListAsync(cancellationToken: ct)).Count);
        for (var i = 0; i < 500; i++)
        {
            Assert.Equal($"{i}-v4", TextStates.Read((await store.LoadAsync("doc-" + i, ct))!));
        }
    }

    [Fact]
    public async Task StoresOfOneDocumentQueuedTogetherAreWrittenOnceAndEveryCallerCompletes()
    {
        var ct = TestContext.Current.CancellationToken;
        using var store = new SqliteDocumentStore(_folder.File("collab.db"));
        using var gate = await WriterGate.HoldAsync(store, ct);

        var stores = Enumerable.Range(1, 5).Select(v => store.StoreAsync("doc", TextStates.Of("v" + v), ct)).ToList();
        stores.Add(store.StoreAsync("other", TextStates.Of("o"), ct));

        Assert.Equal(2, store.Writer.QueuedCount);
        gate.Release();
        await Task.WhenAll(stores).WaitAsync(Patience, ct);
        Assert.Equal("v5", TextStates.Read((await store.LoadAsync("doc", ct))!));
        Assert.Equal("o", TextStates.Read((await store.LoadAsync("other", ct))!));
        Assert.Equal([1, 2], gate.TransactionSizes);
    }

    [Fact]
    public async Task WritesToOneDocumentKeepTheirOrderWithinABatch()
    {
        var ct = TestContext.Current.CancellationToken;
        using var store = new SqliteDocumentStore(_folder.File("collab.db"));
        using var gate = await WriterGate.HoldAsync(store, ct);

        var storeThenMerge = Task.WhenAll(store.StoreAsync("merged", TextStates.Of("one"), ct), store.MergeAsync("merged", TextStates.Of("two", clientId: 2), ct));
        var storedThenDeleted = store.StoreAsync("deleted", TextStates.Of("x"), ct);
        var deleted = store.DeleteAsync("deleted", ct);
        var storedBeforeDelete = store.StoreAsync("recreated", TextStates.Of("old"), ct);
        var deletedBetween = store.DeleteAsync("recreated", ct);
        var storedAfterDelete = store.StoreAsync("recreated", TextStates.Of("new"), ct);
        var deletedMissing = store.DeleteAsync("missing", ct);
        gate.Release();
        await Task.WhenAll(storeThenMerge, storedThenDeleted, storedBeforeDelete, storedAfterDelete).WaitAsync(Patience, ct);

        var merged = TextStates.Read((await store.LoadAsync("merged", ct))!);
        Assert.Equal(6, merged.Length);
        Assert.Contains("one", merged, StringComparison.Ordinal);
        Assert.Contains("two", merged, StringComparison.Ordinal);
        Assert.True(await deleted);
        Assert.Null(await store.LoadAsync("deleted", ct));
        Assert.True(await deletedBetween);
        Assert.Equal("new", TextStates.Read((await store.LoadAsync("recreated", ct))!));
        Assert.False(await deletedMissing);
        Assert.Equal([1, 8], gate.TransactionSizes);
    }

    [Fact]
    public async Task AFailingEntryFailsOnlyItsOwnCallersAndTheRestOfTheBatchIsCommitted()
    {
        var ct = TestContext.Current.CancellationToken;
        var path = _folder.File("collab.db");
        using var store = new SqliteDocumentStore(path);
        await store.StoreAsync("bad", TextStates.Of("hello"), ct);
        await SqliteFiles.CorruptAsync(path, "bad", ct);
        using var gate = await WriterGate.HoldAsync(store, ct);

        var before = Enumerable.Range(0, 3).Select(i => store.StoreAsync("ok-" + i, TextStates.Of("ok " + i), ct)).ToList();
        var merge = store.MergeAsync("bad", TextStates.Of("more", clientId: 2), ct);
        var after = Enumerable.Range(3, 3).Select(i => store.StoreAsync("ok-" + i, TextStates.Of("ok " + i), ct)).ToList();
        gate.Release();

        var error = await Assert.ThrowsAsync<DocumentStoreCorruptedException>(() => merge.WaitAsync(Patience, ct));
        Assert.Equal("bad", error.DocumentName);
        await Task.WhenAll(before.Concat(after)).WaitAsync(Patience, ct);
        for (var i = 0; i < 6; i++)
        {
            Assert.Equal("ok " + i, TextStates.Read((await store.LoadAsync("ok-" + i, ct))!));
        }

        Assert.Equal([1, 7, 1, 1, 1, 1, 1, 1, 1], gate.TransactionSizes);
    }

    [Fact]
    public async Task DisposeCommitsTheQueuedWritesAndLaterCallsThrow()
    {
        var ct = TestContext.Current.CancellationToken;
        var path = _folder.File("collab.db");
        var store = new SqliteDocumentStore(path);
        var gate = await WriterGate.HoldAsync(store, ct);
        var queued = Enumerable.Range(0, 50).Select(i => store.StoreAsync("doc-" + i, TextStates.Of("v" + i), ct)).ToList();

        var disposing = Task.Run(store.Dispose, ct);
        while (!store.Writer.IsStopping)
        {
            await Task.Delay(10, ct);
        }

        Assert.False(disposing.IsCompleted);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => store.StoreAsync("late", TextStates.Of("late"), ct));
        gate.Release();
        await disposing.WaitAsync(Patience, ct);
        await Task.WhenAll(queued).WaitAsync(Patience, ct);
        gate.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => store.StoreAsync("late", TextStates.Of("late"), ct));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => store.MergeAsync("late", TextStates.Of("late"), ct));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => store.DeleteAsync("doc-1", ct));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => store.LoadAsync("doc-1", ct));
        using var reopened = new SqliteDocumentStore(path);
        Assert.Equal(50, (await reopened.ListAsync("doc-", cancellationToken: ct)).Count);
        Assert.Equal("v49", TextStates.Read((await reopened.LoadAsync("doc-49", ct))!));
        Assert.Null(await reopened.LoadAsync("late", ct));
    }

    [Fact]
    public async Task PendingStoresHoldNoThreadPoolThreadsAndAreCommittedInOneTransaction()
    {
        var ct = TestContext.Current.CancellationToken;
        using var store = new SqliteDocumentStore(_folder.File("collab.db"));
        var state = TextStates.Of("state");
        using var gate = await WriterGate.HoldAsync(store, ct);
        var threadsBefore = ThreadPool.ThreadCount;

        // Each call returns at once with a pending task: none of them blocks the pool thread that made it.
        var calls = Enumerable.Range(0, 200)
            .Select(i => Task.Factory.StartNew(() => store.StoreAsync("doc-" + i, state, ct), ct, TaskCreationOptions.None, TaskScheduler.Default))
            .ToList();
        var pending = await Task.WhenAll(calls).WaitAsync(Patience, ct);

        Assert.All(pending, p => Assert.False(p.IsCompleted));
        Assert.Equal(200, store.Writer.QueuedCount);
        Assert.Equal(42, await Task.Run(() => 42, ct).WaitAsync(Patience, ct));
        Assert.InRange(ThreadPool.ThreadCount - threadsBefore, int.MinValue, 100);
        gate.Release();
        await Task.WhenAll(pending).WaitAsync(Patience, ct);
        Assert.Equal([1, 200], gate.TransactionSizes);
        Assert.Equal(200, (await store.ListAsync("doc-", cancellationToken: ct)).Count);
    }

    /// <summary>Holds the writer thread inside its first transaction (a store of "hold") until released; records transaction sizes.</summary>
    private sealed class WriterGate : IDisposable
    {
        private readonly ManualResetEventSlim _release = new();
        private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly ConcurrentQueue<int> _sizes = new();
        private int _held;

        public int[] TransactionSizes => [.. _sizes];

        public static async Task<WriterGate> HoldAsync(SqliteDocumentStore store, CancellationToken ct)
        {
            var gate = new WriterGate();
            store.Writer.TransactionStarted = gate.OnTransaction;
            _ = store.StoreAsync("hold", TextStates.Of("hold"), ct);
            await gate._entered.Task.WaitAsync(Patience, ct);
            return gate;
        }

        public void Release() => _release.Set();

        public void Dispose() => _release.Set();

        private void OnTransaction(int count)
        {
            _sizes.Enqueue(count);
            if (Interlocked.Exchange(ref _held, 1) == 0)
            {
                _entered.TrySetResult();
                _release.Wait(Patience);
            }
        }
    }
}
