using Collab.Persistence.Storage;
using Collab.Tests.SyncServer.Extensions.Sqlite;
using Collab.Yjs;

namespace Collab.Tests.Persistence;

/// <summary>
/// The behaviours every <see cref="IDocumentStore"/> shares: the SQLite, file-system and S3 test classes run each of
/// these against their store. Names and awkward inputs are in <see cref="DocumentStoreContractTests"/>' second part.
/// </summary>
public abstract partial class DocumentStoreContractTests : IAsyncLifetime
{
    private readonly List<IDocumentStore> _opened = [];

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A store on this test's location: every call opens the same data afresh.</summary>
    protected abstract Task<IDocumentStore> CreateStoreAsync();

    /// <summary>Overwrites the stored data of <paramref name="documentName"/> with garbage, behind the store's back.</summary>
    protected abstract Task CorruptAsync(IDocumentStore store, string documentName);

    public virtual ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public virtual ValueTask DisposeAsync()
    {
        foreach (var store in _opened)
        {
            (store as IDisposable)?.Dispose();
        }

        return ValueTask.CompletedTask;
    }

    protected async Task<IDocumentStore> OpenAsync()
    {
        var store = await CreateStoreAsync();
        _opened.Add(store);
        return store;
    }

    [Fact]
    public async Task AMissingDocumentLoadsAsNull()
    {
        var store = await OpenAsync();

        Assert.Null(await store.LoadAsync("missing", Ct));
        Assert.False(await store.DeleteAsync("missing", Ct));
        Assert.Empty(await store.ListAsync(cancellationToken: Ct));
    }

    [Fact]
    public async Task AStoredStateLoadsBackByteForByteInAReopenedStore()
    {
        var state = TextStates.Of("hello");
        await (await OpenAsync()).StoreAsync("doc", state, Ct);

        var reopened = await OpenAsync();

        Assert.Equal(state, await reopened.LoadAsync("doc", Ct));
    }

    [Fact]
    public async Task StoreReplacesThePreviousState()
    {
        var store = await OpenAsync();
        await store.StoreAsync("doc", TextStates.Of("one"), Ct);
        await store.StoreAsync("doc", TextStates.Of("two", clientId: 2), Ct);

        Assert.Equal("two", TextStates.Read((await store.LoadAsync("doc", Ct))!));
    }

    [Fact]
    public async Task MergeCreatesTheDocumentThenMergesIntoIt()
    {
        var store = await OpenAsync();
        var doc = new Doc { ClientId = 7 };
        var first = Capture(doc, () => doc.GetText("t").Insert(0, "hello"));
        var second = Capture(doc, () => doc.GetText("t").Insert(5, " world"));

        await store.MergeAsync("doc", first, Ct);
        Assert.Equal("hello", TextStates.Read((await store.LoadAsync("doc", Ct))!));
        await store.MergeAsync("doc", second, Ct);

        Assert.Equal("hello world", TextStates.Read((await store.LoadAsync("doc", Ct))!));
    }

    [Fact]
    public async Task LoadsWhileTheStateIsReplacedReturnAWholeStateEveryTime()
    {
        // a replacement is atomic for readers too: each load is one of the stored states, whole (two servers sharing a
        // bucket read while the other writes)
        var store = await OpenAsync();
        var texts = Enumerable.Range(1, 30).Select(i => new string((char)('a' + (i % 26)), 1_000 + (i * 3_001 % 60_000))).ToList();
        await store.StoreAsync("doc", TextStates.Of(texts[0], clientId: 1), Ct);
        using var written = new CancellationTokenSource();
        var readers = Enumerable.Range(0, 3).Select(_ => Task.Run(async () =>
        {
            var loads = 0;
            do
            {
                Assert.Contains(TextStates.Read((await store.LoadAsync("doc", Ct))!), texts);
                loads++;
            }
            while (!written.IsCancellationRequested);
            return loads;
        }, Ct)).ToList();

        for (var i = 1; i < texts.Count; i++)
        {
            await store.StoreAsync("doc", TextStates.Of(texts[i], clientId: i + 1), Ct);
        }

        await written.CancelAsync();
        Assert.All(await Task.WhenAll(readers), loads => Assert.True(loads > 0));
        Assert.Equal(texts[^1], TextStates.Read((await store.LoadAsync("doc", Ct))!));
    }

    [Fact]
    public async Task ConcurrentMergesIntoOneDocumentLoseNothing()
    {
        var store = await OpenAsync();
        var updates = Enumerable.Range(1, 16).Select(i =>
        {
            var doc = new Doc { ClientId = i };
            doc.GetMap("m").Set("k" + i, i);
            return doc.EncodeStateAsUpdate();
        }).ToList();

        await Task.WhenAll(updates.Select(u => Task.Run(() => store.MergeAsync("doc", u, Ct), Ct)));

        var merged = new Doc();
        merged.ApplyUpdate((await store.LoadAsync("doc", Ct))!);
        Assert.Equal(16, merged.GetMap("m").Keys.Count());
    }

    [Fact]
    public async Task DeleteRemovesTheDocumentAndSaysWhetherThereWasOne()
    {
        var store = await OpenAsync();
        await store.StoreAsync("doc", TextStates.Of("x"), Ct);
        await store.StoreAsync("other", TextStates.Of("y"), Ct);

        Assert.True(await store.DeleteAsync("doc", Ct));
        Assert.False(await store.DeleteAsync("doc", Ct));
        Assert.Null(await store.LoadAsync("doc", Ct));
        Assert.Equal(["other"], (await store.ListAsync(cancellationToken: Ct)).Select(d => d.Name));
    }

    [Fact]
    public async Task ListOrdersByCodePointAndPagesWithPrefixAfterAndLimit()
    {
        var store = await OpenAsync();
        // "\uFFFD" sorts before "😀" by code point (as SQLite's ORDER BY does), after it in UTF-16 ordinal order
        string[] names = ["b/2", "a/1", "b/1", "b/😀", "b/\uFFFD", "b/é", "c", "b", "bb/1"];
        foreach (var name in names)
        {
            await store.StoreAsync(name, TextStates.Of(name), Ct);
        }

        var all = await store.ListAsync(cancellationToken: Ct);
        var first = await store.ListAsync("b/", limit: 2, cancellationToken: Ct);
        var second = await store.ListAsync("b/", after: first[^1].Name, limit: 2, cancellationToken: Ct);
        var third = await store.ListAsync("b/", after: second[^1].Name, limit: 2, cancellationToken: Ct);

        Assert.Equal(["a/1", "b", "b/1", "b/2", "b/é", "b/\uFFFD", "b/😀", "bb/1", "c"], all.Select(d => d.Name));
        Assert.Equal(["b/1", "b/2"], first.Select(d => d.Name));
        Assert.Equal(["b/é", "b/\uFFFD"], second.Select(d => d.Name));
        Assert.Equal(["b/😀"], third.Select(d => d.Name));
        Assert.Equal(TextStates.Of("b/1").Length, first[0].Size);
    }

    [Fact]
    public async Task AHugeDocumentRoundTripsWhole()
    {
        var store = await OpenAsync();
        var state = new byte[24 * 1024 * 1024];
        new Random(15).NextBytes(state);

        await store.StoreAsync("huge", state, Ct);
        var loaded = await store.LoadAsync("huge", Ct);

        Assert.NotNull(loaded);
        Assert.True(state.AsSpan().SequenceEqual(loaded), "the loaded state differs from the stored one");
        Assert.Equal(state.Length, Assert.Single(await store.ListAsync(cancellationToken: Ct)).Size);
    }

    [Fact]
    public async Task CorruptedDataIsReportedInsteadOfLoaded()
    {
        var store = await OpenAsync();
        await store.StoreAsync("doc", TextStates.Of("hello"), Ct);
        await CorruptAsync(store, "doc");

        var error = await Assert.ThrowsAsync<DocumentStoreCorruptedException>(() => store.LoadAsync("doc", Ct));
        Assert.Contains("doc", error.Message, StringComparison.Ordinal);
        await Assert.ThrowsAnyAsync<Exception>(() => store.MergeAsync("doc", TextStates.Of("more", clientId: 3), Ct));
    }

    [Fact]
    public async Task StoringAFreshStateOverACorruptedDocumentRepairsIt()
    {
        var store = await OpenAsync();
        var name = "long " + new string('n', 300);
        await store.StoreAsync(name, TextStates.Of("hello"), Ct);
        await CorruptAsync(store, name);

        await store.StoreAsync(name, TextStates.Of("repaired"), Ct);

        Assert.Equal("repaired", TextStates.Read((await store.LoadAsync(name, Ct))!));
    }

    [Fact]
    public async Task ACorruptedDocumentCanBeDeleted()
    {
        var store = await OpenAsync();
        var name = "long " + new string('n', 300);
        await store.StoreAsync(name, TextStates.Of("hello"), Ct);
        await CorruptAsync(store, name);

        Assert.True(await store.DeleteAsync(name, Ct));

        Assert.Null(await store.LoadAsync(name, Ct));
    }

    [Fact]
    public async Task AnEmptyStateOrUpdateIsRejected()
    {
        var store = await OpenAsync();

        await Assert.ThrowsAsync<ArgumentException>(() => store.StoreAsync("doc", ReadOnlyMemory<byte>.Empty, Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => store.MergeAsync("doc", ReadOnlyMemory<byte>.Empty, Ct));
        Assert.Null(await store.LoadAsync("doc", Ct));
    }

    private static byte[] Capture(Doc doc, Action change)
    {
        var before = doc.EncodeStateVector();
        change();
        return doc.EncodeStateAsUpdate(before);
    }
}
