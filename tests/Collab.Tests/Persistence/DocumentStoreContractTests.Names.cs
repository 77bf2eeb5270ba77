using Collab.Persistence.Storage;
using Collab.Tests.SyncServer.Extensions.Sqlite;

namespace Collab.Tests.Persistence;

public abstract partial class DocumentStoreContractTests
{
    /// <summary>Names a naive key scheme gets wrong: traversal, separators, case, escapes, device names, length, emptiness.</summary>
    public static IReadOnlyList<string> AwkwardNames { get; } =
    [
        "", " ", ".", "..", "../x", "../../etc/passwd", "a/b", "a\\b", "/abs", "a/../b",
        "Doc", "doc", "DOC", "a", "A", "_61", "%61", "_", "~", "x~y", "con", "CON", "nul.txt", "com1",
        "äöü", "a\u0308", "🌟", "日本語の文書", "\0", "tab\t", "line\nbreak", "with space", "\uFFFD", "\u00A0",
        new string('x', 2000),
        new string('x', 1999) + "y",
        new string('X', 2000),
        new string('ü', 2000),
        string.Concat(Enumerable.Repeat("🌟", 1000)),
        new string('a', 66) + "_" + new string('b', 60),
        new string('z', 200),
        new string('z', 201),
    ];

    [Fact]
    public async Task AwkwardNamesRoundTripAndListBackExactly()
    {
        var store = await OpenAsync();
        for (var i = 0; i < AwkwardNames.Count; i++)
        {
            await store.StoreAsync(AwkwardNames[i], TextStates.Of("state " + i), Ct);
        }

        for (var i = 0; i < AwkwardNames.Count; i++)
        {
            var loaded = await store.LoadAsync(AwkwardNames[i], Ct);
            Assert.True(loaded is not null, $"name #{i} did not load back");
            Assert.Equal("state " + i, TextStates.Read(loaded));
        }

        var listed = await store.ListAsync(cancellationToken: Ct);
        Assert.Equal(AwkwardNames.Order(DocumentKeys.NameOrder), listed.Select(d => d.Name));
    }

    [Fact]
    public async Task ListingAPrefixOfLongNamesFindsThemAll()
    {
        var store = await OpenAsync();
        var stem = new string('p', 300);
        string[] names = [stem + "1", stem + "2", stem, "p", stem[..150] + "q"];
        foreach (var name in names)
        {
            await store.StoreAsync(name, TextStates.Of(name[^1..]), Ct);
        }

        var listed = await store.ListAsync(stem, cancellationToken: Ct);
        var paged = await store.ListAsync(stem, after: stem, limit: 1, cancellationToken: Ct);

        Assert.Equal([stem, stem + "1", stem + "2"], listed.Select(d => d.Name));
        Assert.Equal([stem + "1"], paged.Select(d => d.Name));
    }

    [Fact]
    public async Task NamesWithNoUtf8FormOrOverTheLimitAreRejectedClearly()
    {
        var store = await OpenAsync();

        var surrogate = await Assert.ThrowsAsync<ArgumentException>(() => store.StoreAsync("bad\uD800name", TextStates.Of("x"), Ct));
        var tooLong = await Assert.ThrowsAsync<ArgumentException>(() => store.StoreAsync(new string('x', DocumentKeys.MaxNameBytes + 1), TextStates.Of("x"), Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => store.LoadAsync("\uDC00", Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => store.MergeAsync("\uDC00", TextStates.Of("x"), Ct));

        Assert.Contains("surrogate", surrogate.Message, StringComparison.Ordinal);
        Assert.Contains("limited", tooLong.Message, StringComparison.Ordinal);
        Assert.Empty(await store.ListAsync(cancellationToken: Ct));
    }
}
