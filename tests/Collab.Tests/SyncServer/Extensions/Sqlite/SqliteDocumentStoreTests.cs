using Collab.Persistence.Storage;
using Collab.Yjs;
using Microsoft.Data.Sqlite;

namespace Collab.Tests.SyncServer.Extensions.Sqlite;

public sealed class SqliteDocumentStoreTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task StoredStateIsLoadedBackByANewStoreOnTheSameFile()
    {
        var ct = TestContext.Current.CancellationToken;
        var path = _folder.File("nested/dir/collab.db");
        using (var store = new SqliteDocumentStore(path))
        {
            await store.StoreAsync("doc", TextStates.Of("hello"), ct);
        }

        using var reopened = new SqliteDocumentStore(path);
        var state = await reopened.LoadAsync("doc", ct);

        Assert.NotNull(state);
        Assert.Equal("hello", TextStates.Read(state));
    }

    [Fact]
    public async Task UnknownDocumentLoadsAsNull()
    {
        using var store = new SqliteDocumentStore(_folder.File("collab.db"));

        Assert.Null(await store.LoadAsync("missing", TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task DatabaseUsesWriteAheadLogging()
    {
        var ct = TestContext.Current.CancellationToken;
        var path = _folder.File("collab.db");
        using var store = new SqliteDocumentStore(path);
        await store.InitializeAsync(ct);

        await using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        await connection.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";

        Assert.Equal("wal", (string?)await command.ExecuteScalarAsync(ct));
    }

    [Fact]
    public async Task StoreReplacesThePreviousState()
    {
        var ct = TestContext.Current.CancellationToken;
        using var store = new SqliteDocumentStore(_folder.File("collab.db"));
        await store.StoreAsync("doc", TextStates.Of("one"), ct);
        await store.StoreAsync("doc", TextStates.Of("two", clientId: 2), ct);

        Assert.Equal("two", TextStates.Read((await store.LoadAsync("doc", ct))!));
    }

    [Fact]
    public async Task ConcurrentMergesKeepEveryUpdate()
    {
        var ct = TestContext.Current.CancellationToken;
        using var store = new SqliteDocumentStore(_folder.File("collab.db"));
        var updates = Enumerable.Range(1, 24).Select(i =>
        {
            var doc = new Doc { ClientId = i };
            doc.GetMap("m").Set("k" + i, i);
            return doc.EncodeStateAsUpdate();
        }).ToList();

        await Task.WhenAll(updates.Select(u => Task.Run(() => store.MergeAsync("doc", u, ct), ct)));

        var merged = new Doc();
        merged.ApplyUpdate((await store.LoadAsync("doc", ct))!);
        Assert.Equal(24, merged.GetMap("m").Keys.Count());
    }

    [Fact]
    public async Task ConcurrentStoresOfDifferentDocumentsAllSucceed()
    {
        var ct = TestContext.Current.CancellationToken;
        using var store = new SqliteDocumentStore(_folder.File("collab.db"));

        await Task.WhenAll(Enumerable.Range(0, 32).Select(i => Task.Run(() => store.StoreAsync("doc-" + i, TextStates.Of("v" + i), ct), ct)));

        var listed = await store.ListAsync(cancellationToken: ct);
        Assert.Equal(32, listed.Count);
        Assert.Equal("v17", TextStates.Read((await store.LoadAsync("doc-17", ct))!));
    }

    [Fact]
    public async Task ListFiltersByPrefixAndPagesByName()
    {
        var ct = TestContext.Current.CancellationToken;
        var time = new Collab.Tests.Yjs.Protocols.ManualTimeProvider();
        using var store = new SqliteDocumentStore(_folder.File("collab.db"), time);
        foreach (var name in new[] { "b/2", "a/1", "b/1", "b/3", "c" })
        {
            await store.StoreAsync(name, TextStates.Of(name), ct);
        }

        var firstPage = await store.ListAsync("b/", limit: 2, cancellationToken: ct);
        var secondPage = await store.ListAsync("b/", after: firstPage[^1].Name, limit: 2, cancellationToken: ct);

        Assert.Equal(["b/1", "b/2"], firstPage.Select(d => d.Name));
        Assert.Equal(["b/3"], secondPage.Select(d => d.Name));
        Assert.Equal(time.GetUtcNow().ToUnixTimeMilliseconds(), firstPage[0].UpdatedAt.ToUnixTimeMilliseconds());
        Assert.True(firstPage[0].Size > 0);
    }

    [Fact]
    public async Task DeleteRemovesTheDocument()
    {
        var ct = TestContext.Current.CancellationToken;
        using var store = new SqliteDocumentStore(_folder.File("collab.db"));
        await store.StoreAsync("doc", TextStates.Of("x"), ct);

        Assert.True(await store.DeleteAsync("doc", ct));
        Assert.False(await store.DeleteAsync("doc", ct));
        Assert.Null(await store.LoadAsync("doc", ct));
    }

    [Fact]
    public async Task NamesAreStoredExactly()
    {
        var ct = TestContext.Current.CancellationToken;
        using var store = new SqliteDocumentStore(_folder.File("collab.db"));
        string[] names = ["äöü", "with space", "with/slash", "🌟", ":", "*", "a'; DROP TABLE documents; --"];
        foreach (var name in names)
        {
            await store.StoreAsync(name, TextStates.Of(name), ct);
        }

        foreach (var name in names)
        {
            Assert.Equal(name, TextStates.Read((await store.LoadAsync(name, ct))!));
        }
    }

    [Fact]
    public async Task ARowWhoseDataWasAlteredIsReportedAsCorrupt()
    {
        var ct = TestContext.Current.CancellationToken;
        var path = _folder.File("collab.db");
        using var store = new SqliteDocumentStore(path);
        await store.StoreAsync("doc", TextStates.Of("hello"), ct);
        await SqliteFiles.CorruptAsync(path, "doc", ct);

        var error = await Assert.ThrowsAsync<DocumentStoreCorruptedException>(() => store.LoadAsync("doc", ct));

        Assert.Equal("doc", error.DocumentName);
    }

    [Fact]
    public async Task ARowHoldingTextInsteadOfABlobIsReportedAsCorrupt()
    {
        var ct = TestContext.Current.CancellationToken;
        var path = _folder.File("collab.db");
        using var store = new SqliteDocumentStore(path);
        await store.InitializeAsync(ct);
        await SqliteFiles.ExecuteAsync(path, "INSERT INTO documents (name, data) VALUES ('doc', 'not a blob')", ct);

        await Assert.ThrowsAsync<DocumentStoreCorruptedException>(() => store.LoadAsync("doc", ct));
    }

    [Fact]
    public async Task ADatabaseWrittenByHocuspocusIsReadAndUpgraded()
    {
        var ct = TestContext.Current.CancellationToken;
        var path = _folder.File("hocuspocus.db");
        await SqliteFiles.ExecuteAsync(path, "CREATE TABLE documents (name varchar(255) NOT NULL, data blob NOT NULL, UNIQUE(name))", ct);
        await using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            await connection.OpenAsync(ct);
            await using var insert = connection.CreateCommand();
            insert.CommandText = "INSERT INTO documents (name, data) VALUES ('legacy', $data)";
            insert.Parameters.Add("$data", SqliteType.Blob).Value = TextStates.Of("from node");
            await insert.ExecuteNonQueryAsync(ct);
        }

        using var store = new SqliteDocumentStore(path);

        Assert.Equal("from node", TextStates.Read((await store.LoadAsync("legacy", ct))!));
        await store.StoreAsync("legacy", TextStates.Of("from dotnet"), ct);
        Assert.Equal("from dotnet", TextStates.Read((await store.LoadAsync("legacy", ct))!));
    }
}
