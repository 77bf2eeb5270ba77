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
    public async Task TheLoggedUpdatesAStoreCoversAreNoLongerLoadedAndAreSweptSoonAfter()
    {
        var ct = TestContext.Current.CancellationToken;
        using var store = new SqliteDocumentStore(_folder.File("collab.db"));
        var (updates, states) = Typed("a", "b", "c");
        for (var i = 0; i < 3; i++)
        {
            await Log(store).AppendAsync("doc", i + 1, updates[i], ct);
        }

        await store.StoreAsync("doc", states[1], coveredSequence: 2, ct);

        var loaded = await Log(store).LoadLoggedAsync("doc", ct);
        Assert.Equal(updates[2], Assert.Single(loaded!.Updates));
        Assert.Equal("abc", TextStates.Read((await store.LoadAsync("doc", ct))!));
        var deadline = DateTime.UtcNow + SqliteWriter.SweepInterval * 10;
        while (await store.CountLoggedAsync("doc", ct) > 1)
        {
            Assert.True(DateTime.UtcNow < deadline, "the covered entries were never swept");
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
}
