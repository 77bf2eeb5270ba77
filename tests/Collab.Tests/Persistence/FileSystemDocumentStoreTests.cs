using Collab.Persistence.Storage;
using Collab.Tests.SyncServer.Extensions;
using Collab.Tests.SyncServer.Extensions.Sqlite;

namespace Collab.Tests.Persistence;

/// <summary>The shared store behaviours on <see cref="FileSystemDocumentStore"/>, and what only a folder of files can go through.</summary>
public sealed class FileSystemDocumentStoreTests : DocumentStoreContractTests
{
    private readonly TempFolder _folder = new();

    private string Documents => _folder.File("documents");

    protected override Task<IDocumentStore> CreateStoreAsync() => Task.FromResult<IDocumentStore>(new FileSystemDocumentStore(Documents));

    protected override async Task CorruptAsync(IDocumentStore store, string documentName)
    {
        var path = ((FileSystemDocumentStore)store).PathOf(documentName);
        var bytes = await File.ReadAllBytesAsync(path, Ct);
        bytes[^20] ^= 0x40;
        await File.WriteAllBytesAsync(path, bytes, Ct);
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        _folder.Dispose();
    }

    [Fact]
    public async Task AFullDiskMidWriteKeepsThePreviousStateAndSaysSo()
    {
        var store = (FileSystemDocumentStore)await OpenAsync();
        await store.StoreAsync("doc", TextStates.Of("before"), Ct);
        store.WriteInterceptor = file => new FailingStream(file, failAfter: 40);
        var big = new byte[1024 * 1024];
        new Random(1).NextBytes(big);

        var error = await Assert.ThrowsAsync<DocumentStoreException>(() => store.StoreAsync("doc", big, Ct));
        var mergeError = await Assert.ThrowsAsync<DocumentStoreException>(() => store.MergeAsync("doc", TextStates.Of("more", clientId: 9), Ct));

        TestContext.Current.TestOutputHelper?.WriteLine(error.Message);
        Assert.True(error.IsDiskFull);
        Assert.Contains("disk is full", error.Message, StringComparison.Ordinal);
        Assert.Contains(store.PathOf("doc"), error.Message, StringComparison.Ordinal);
        Assert.IsAssignableFrom<IOException>(mergeError);
        store.WriteInterceptor = null;
        Assert.Equal("before", TextStates.Read((await store.LoadAsync("doc", Ct))!));
        Assert.Equal([Path.GetFileName(store.PathOf("doc"))], Directory.GetFiles(Documents).Select(Path.GetFileName));
    }

    [Fact]
    public async Task ATruncatedFileIsReportedAsCorrupt()
    {
        var store = (FileSystemDocumentStore)await OpenAsync();
        await store.StoreAsync("doc", TextStates.Of("hello"), Ct);
        var path = store.PathOf("doc");
        await using (var file = new FileStream(path, FileMode.Open))
        {
            file.SetLength(file.Length - 1);
        }

        var error = await Assert.ThrowsAsync<DocumentStoreCorruptedException>(() => store.LoadAsync("doc", Ct));

        Assert.Contains("truncated", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LeftOversOfACrashAreIgnoredAndStaleOnesRemoved()
    {
        Directory.CreateDirectory(Documents);
        var stale = Path.Combine(Documents, ".tmp-stale");
        var fresh = Path.Combine(Documents, ".tmp-fresh");
        await File.WriteAllBytesAsync(stale, [1, 2, 3], Ct);
        await File.WriteAllBytesAsync(fresh, [1, 2, 3], Ct);
        File.SetLastWriteTimeUtc(stale, DateTime.UtcNow - FileSystemDocumentStore.StaleTemporaryAge - TimeSpan.FromMinutes(1));
        await File.WriteAllTextAsync(Path.Combine(Documents, "README.txt"), "not a document", Ct);
        await File.WriteAllTextAsync(Path.Combine(Documents, "Not-A-Key.ydoc"), "not ours", Ct);

        var store = await OpenAsync();

        Assert.Empty(await store.ListAsync(cancellationToken: Ct));
        Assert.False(File.Exists(stale));
        Assert.True(File.Exists(fresh), "a temporary file of a write that may still be running was removed");
    }

    [Fact]
    public async Task EveryNameStaysInsideTheFolderAsOneSafeFile()
    {
        var store = (FileSystemDocumentStore)await OpenAsync();
        foreach (var name in AwkwardNames)
        {
            await store.StoreAsync(name, TextStates.Of("x"), Ct);
        }

        var files = Directory.GetFileSystemEntries(Documents);
        Assert.Equal(AwkwardNames.Count, files.Length);
        Assert.All(files, file =>
        {
            var name = Path.GetFileName(file);
            Assert.True(name.Length <= 255 - 10, name);
            Assert.Matches("^[a-z0-9_~-]+\\.ydoc$", name);
        });
        Assert.Equal(files.Length, files.Select(f => f.ToUpperInvariant()).Distinct().Count());
    }

    [Fact]
    public async Task ADocumentUnderAnotherNamesHashedKeyIsNeitherServedNorOverwritten()
    {
        var store = (FileSystemDocumentStore)await OpenAsync();
        var owner = new string('o', 300);
        var other = new string('o', 299) + "x";
        await store.StoreAsync(owner, TextStates.Of("owner's"), Ct);
        // what a SHA-256 collision would look like: the other name's key holds the owner's file
        File.Copy(store.PathOf(owner), store.PathOf(other));

        var load = await Assert.ThrowsAsync<DocumentStoreException>(() => store.LoadAsync(other, Ct));
        await Assert.ThrowsAsync<DocumentStoreException>(() => store.StoreAsync(other, TextStates.Of("other's"), Ct));
        await Assert.ThrowsAsync<DocumentStoreException>(() => store.DeleteAsync(other, Ct));

        Assert.Contains("collision", load.Message, StringComparison.Ordinal);
        Assert.Equal("owner's", TextStates.Read((await store.LoadAsync(owner, Ct))!));
        Assert.Equal([owner], (await store.ListAsync(cancellationToken: Ct)).Select(d => d.Name));
    }

    /// <summary>Passes writes to the file until <c>failAfter</c> bytes, then fails like a full disk (ENOSPC).</summary>
    private sealed class FailingStream(Stream inner, long failAfter) : Stream
    {
        private long _written;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => inner.Length;

        public override long Position { get => inner.Position; set => throw new NotSupportedException(); }

        public override void Flush() => inner.Flush();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var room = (int)Math.Max(0, Math.Min(buffer.Length, failAfter - _written));
            await inner.WriteAsync(buffer[..room], cancellationToken);
            _written += room;
            if (room < buffer.Length)
            {
                throw new IOException("No space left on device", 28);
            }
        }
    }
}
