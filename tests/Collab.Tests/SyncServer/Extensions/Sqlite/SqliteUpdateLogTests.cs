using Collab.Persistence.Storage;
using Collab.Yjs;

namespace Collab.Tests.SyncServer.Extensions.Sqlite;

public sealed class SqliteUpdateLogTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static IUpdateLog Log(SqliteDocumentStore store) => store;

    /// <summary>A document typed piece by piece: its update per piece, and its full state after each.</summary>
    private static (List<byte[]> Updates, List<byte[]> States) Typed(params string[] pieces)
    {
        var doc = new Doc { ClientId = 7 };
        var updates = new List<byte[]>();
        var states = new List<byte[]>();
        doc.Update += (_, e) => updates.Add(e.Update);
        foreach (var piece in pieces)
        {
            var text = doc.GetText("t");
            text.Insert(text.Length, piece);
            states.Add(doc.EncodeStateAsUpdate());
        }

        return (updates, states);
    }

    [Fact]
    public async Task ADocumentLoadsAsItsStateAndTheUpdatesLoggedAfterIt()
    {
        var ct = TestContext.Current.CancellationToken;
        var path = _folder.File("collab.db");
        var (updates, states) = Typed("he", "llo", " world");
        using (var store = new SqliteDocumentStore(path))
        {
            await Log(store).AppendAsync("doc", 1, updates[0], ct);
            await store.StoreAsync("doc", states[0], coveredSequence: 1, ct);
            await Log(store).AppendAsync("doc", 2, updates[1], ct);
            await Log(store).AppendAsync("doc", 3, updates[2], ct);
            Assert.Equal(2, (await Log(store).LoadLoggedAsync("doc", ct))!.Updates.Count);
        }

        using var reopened = new SqliteDocumentStore(path);
        var loaded = await Log(reopened).LoadLoggedAsync("doc", ct);

        Assert.Equal("he", TextStates.Read(loaded!.State!));
        Assert.Equal(2, loaded.Updates.Count);
        Assert.Equal(3, loaded.Sequence);
        Assert.Equal("hello world", TextStates.Read((await reopened.LoadAsync("doc", ct))!));
    }

    [Fact]
    public async Task TheLoggedUpdatesAStoreCoversAreNoLongerLoadedAndTheLogEmptiesOnceStoresCoverIt()
    {
        var ct = TestContext.Current.CancellationToken;
        using var store = new SqliteDocumentStore(_folder.File("collab.db"));
        var (updates, states) = Typed("a", "b", "c", "d");
        for (var i = 0; i < 3; i++)
        {
            await Log(store).AppendAsync("doc", i + 1, updates[i], ct);
        }

        await store.StoreAsync("doc", states[1], coveredSequence: 2, ct);

        var loaded = await Log(store).LoadLoggedAsync("doc", ct);
        Assert.Equal(updates[2], Assert.Single(loaded!.Updates));
        Assert.Equal("abc", TextStates.Read((await store.LoadAsync("doc", ct))!));

        // an entry in each table (they take turns about once per sweep interval), then a store that covers both
        await Task.Delay(SqliteWriter.SweepInterval * 2.5, ct);
        await Log(store).AppendAsync("doc", 4, updates[3], ct);
        Assert.Equal("abcd", TextStates.Read((await store.LoadAsync("doc", ct))!));
        await store.StoreAsync("doc", states[3], coveredSequence: 4, ct);

        await WaitUntilAsync(async () => await CountAllLoggedAsync(store, ct) == 0, "the covered entries were never deleted", ct);
        Assert.Equal("abcd", TextStates.Read((await store.LoadAsync("doc", ct))!));
        Assert.Equal(4, (await Log(store).LoadLoggedAsync("doc", ct))!.Sequence);
    }

    [Fact]
    public async Task EntriesNoStoreEverCoversAreKeptWhenTheirTableIsEmptiedAndTheOthersGo()
    {
        var ct = TestContext.Current.CancellationToken;
        using var store = new SqliteDocumentStore(_folder.File("collab.db"));
        store.Writer.Log.StaleAfter = SqliteWriter.SweepInterval;
        var (updates, states) = Typed("p", "q");
        var (stuck, _) = Typed("never stored");
        await Log(store).AppendAsync("doc", 1, updates[0], ct);
        await Log(store).AppendAsync("doc", 2, updates[1], ct);
        await Log(store).AppendAsync("stuck", 1, stuck[0], ct);
        await store.StoreAsync("doc", states[1], coveredSequence: 2, ct);

        // the table that holds them turns old, waits for "stuck" longer than StaleAfter, and is emptied anyway:
        // the covered entries go, the uncovered one moves to the other table
        await WaitUntilAsync(async () => await CountAllLoggedAsync(store, ct) == 1, "the old table was never emptied", ct);

        Assert.Equal(1, await store.CountLoggedAsync("stuck", ct));
        Assert.Equal("never stored", TextStates.Read((await store.LoadAsync("stuck", ct))!));
        Assert.Equal("pq", TextStates.Read((await store.LoadAsync("doc", ct))!));
    }

    [Fact]
    public async Task AReopenedStoreKnowsWhichEntriesAnEarlierProcessLeftAndEmptiesTheLogOnceTheyAreCovered()
    {
        var ct = TestContext.Current.CancellationToken;
        var path = _folder.File("collab.db");
        var (updates, states) = Typed("1", "2", "3");
        using (var store = new SqliteDocumentStore(path))
        {
            await Log(store).AppendAsync("doc", 1, updates[0], ct);
            await Task.Delay(SqliteWriter.SweepInterval * 2.5, ct);
            await Log(store).AppendAsync("doc", 2, updates[1], ct);
        }

        using var reopened = new SqliteDocumentStore(path);
        Assert.Equal("12", TextStates.Read((await reopened.LoadAsync("doc", ct))!));
        await Log(reopened).AppendAsync("doc", 3, updates[2], ct);
        await reopened.StoreAsync("doc", states[2], coveredSequence: 3, ct);

        await WaitUntilAsync(async () => await CountAllLoggedAsync(reopened, ct) == 0, "the entries left by the earlier process were never deleted", ct);
        Assert.Equal("123", TextStates.Read((await reopened.LoadAsync("doc", ct))!));
    }

    [Fact]
    public async Task AStoreDisposedAfterTheFinalStoresLeavesNoLogBehindAndKeepsWhatNoStoreCovers()
    {
        var ct = TestContext.Current.CancellationToken;
        var path = _folder.File("collab.db");
        var (updates, states) = Typed("x", "y");
        var (other, _) = Typed("z");
        using (var store = new SqliteDocumentStore(path))
        {
            await Log(store).AppendAsync("doc", 1, updates[0], ct);
            await Log(store).AppendAsync("doc", 2, updates[1], ct);
            await store.StoreAsync("doc", states[1], coveredSequence: 2, ct);
            Assert.Equal(2, await CountAllLoggedAsync(path, ct));
        }

        Assert.Equal(0, await CountAllLoggedAsync(path, ct));

        using (var store = new SqliteDocumentStore(path))
        {
            await Log(store).AppendAsync("other", 1, other[0], ct);
        }

        Assert.Equal(1, await CountAllLoggedAsync(path, ct));
        using var reopened = new SqliteDocumentStore(path);
        Assert.Equal("z", TextStates.Read((await reopened.LoadAsync("other", ct))!));
        Assert.Equal("xy", TextStates.Read((await reopened.LoadAsync("doc", ct))!));
    }

    private static Task<long> CountAllLoggedAsync(SqliteDocumentStore store, CancellationToken ct) => CountAllLoggedAsync(store.FilePath, ct);

    private static async Task<long> CountAllLoggedAsync(string path, CancellationToken ct)
    {
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT (SELECT count(*) FROM document_updates) + (SELECT count(*) FROM document_updates_1)";
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string failure, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + (SqliteWriter.SweepInterval * 15);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, failure);
            await Task.Delay(50, ct);
        }
    }

    [Fact]
    public async Task AnOlderStoreNeverLowersWhatTheStateCovers()
    {
        var ct = TestContext.Current.CancellationToken;
        using var store = new SqliteDocumentStore(_folder.File("collab.db"));
        var (updates, states) = Typed("a", "b");
        await Log(store).AppendAsync("doc", 1, updates[0], ct);
        await Log(store).AppendAsync("doc", 2, updates[1], ct);
        await store.StoreAsync("doc", states[1], coveredSequence: 2, ct);
        await store.StoreAsync("doc", states[1], ct);

        Assert.Equal(2, (await Log(store).LoadLoggedAsync("doc", ct))!.Sequence);
        Assert.Empty((await Log(store).LoadLoggedAsync("doc", ct))!.Updates);
    }

    [Fact]
    public async Task ADocumentThatWasOnlyEverLoggedLoadsFromItsLog()
    {
        var ct = TestContext.Current.CancellationToken;
        using var store = new SqliteDocumentStore(_folder.File("collab.db"));
        var (updates, _) = Typed("only ", "logged");
        await Log(store).AppendAsync("doc", 1, updates[0], ct);
        await Log(store).AppendAsync("doc", 2, updates[1], ct);
        Assert.Empty(await store.ListAsync(cancellationToken: ct));

        Assert.Equal("only logged", TextStates.Read((await store.LoadAsync("doc", ct))!));
        var loaded = await Log(store).LoadLoggedAsync("doc", ct);
        Assert.Null(loaded!.State);
        Assert.Equal(2, loaded.Sequence);
    }

    [Fact]
    public async Task DeletingADocumentDeletesItsLog()
    {
        var ct = TestContext.Current.CancellationToken;
        using var store = new SqliteDocumentStore(_folder.File("collab.db"));
        var (updates, states) = Typed("x", "y");
        await store.StoreAsync("doc", states[0], coveredSequence: 1, ct);
        await Log(store).AppendAsync("doc", 2, updates[1], ct);

        Assert.True(await store.DeleteAsync("doc", ct));

        Assert.Equal(0, await store.CountLoggedAsync("doc", ct));
        Assert.Null(await store.LoadAsync("doc", ct));
    }

    [Fact]
    public async Task AppendsQueuedTogetherCommitInOneTransaction()
    {
        var ct = TestContext.Current.CancellationToken;
        using var store = new SqliteDocumentStore(_folder.File("collab.db"));
        await store.InitializeAsync(ct);
        var transactions = new List<int>();
        var gate = new ManualResetEventSlim();
        store.Writer.TransactionStarted = count =>
        {
            lock (transactions)
            {
                transactions.Add(count);
            }

            gate.Wait(TimeSpan.FromSeconds(10));
        };
        var (updates, _) = Typed(Enumerable.Range(0, 50).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray());

        // the first append holds the writer inside its transaction while the other 49 queue up behind it
        var first = Log(store).AppendAsync("doc", 1, updates[0], ct);
        while (transactions.Count == 0)
        {
            await Task.Delay(5, ct);
        }

        var rest = Enumerable.Range(1, 49).Select(i => Log(store).AppendAsync($"doc-{i % 7}", i + 1, updates[i], ct)).ToList();
        gate.Set();
        await Task.WhenAll([first, .. rest]);

        Assert.Equal([1, 49], transactions);
    }

    [Fact]
    public async Task ThePagesTheLogHeldGoBackToTheFileSystemOnceStoresCoverItAndAtAStop()
    {
        var ct = TestContext.Current.CancellationToken;
        var path = _folder.File("collab.db");
        var (updates, states) = Typed("a", "b");
        var padding = new byte[1024];
        long pagesWithLog;
        using (var store = new SqliteDocumentStore(path))
        {
            await store.InitializeAsync(ct);
            // about 2 MiB of log entries in one table (their bytes are never read as updates here), then a store that covers them
            await Task.WhenAll(Enumerable.Range(1, 2000).Select(i => Log(store).AppendAsync($"doc-{i % 10}", i, padding, ct)));
            pagesWithLog = await PragmaAsync(path, "page_count", ct);
            foreach (var d in Enumerable.Range(0, 10))
            {
                await store.StoreAsync($"doc-{d}", states[1], coveredSequence: 2000, ct);
            }

            Assert.Equal("ab", TextStates.Read((await store.LoadAsync("doc-3", ct))!));

            // no more appends: a sweep empties the covered table, and with the log empty its pages are handed back
            await WaitUntilAsync(
                async () => await PragmaAsync(path, "freelist_count", ct) == 0 && await PragmaAsync(path, "page_count", ct) <= pagesWithLog / 4,
                "the free pages of the emptied log were never handed back",
                ct);
        }

        // and so after the stop: none free, the file a fraction of its size
        Assert.Equal(2, await PragmaAsync(path, "auto_vacuum", ct));
        Assert.Equal(0, await PragmaAsync(path, "freelist_count", ct));
        Assert.InRange(await PragmaAsync(path, "page_count", ct), 1, pagesWithLog / 4);
        Assert.Equal(0, await CountAllLoggedAsync(path, ct));
    }

    private static async Task<long> PragmaAsync(string path, string pragma, CancellationToken ct)
    {
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Pooling=False");
        await connection.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA {pragma}";
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }
}
