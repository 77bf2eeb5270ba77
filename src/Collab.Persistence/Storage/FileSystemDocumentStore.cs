using Collab.Yjs;
using Collab.Yjs.Lib0;

namespace Collab.Persistence.Storage;

/// <summary>
/// <see cref="IDocumentStore"/> on a folder: one file per document, named by its key (<see cref="DocumentKeys"/>) plus
/// <see cref="Extension"/>, holding the name, the state and checksums (<see cref="StoredDocumentFormat"/>).
/// </summary>
/// <remarks>
/// A write goes to a new temporary file in the same folder (<c>.tmp-…</c>), is flushed to the disk (fsync), renamed over
/// the document's file (atomic) and the folder is flushed, so the file of a document is always either its previous
/// state or its new one, whole: a crash or a full disk mid-write leaves the previous state (and at worst a temporary
/// file, removed on the next start when older than <see cref="StaleTemporaryAge"/>, never read). With
/// <c>durable: false</c> the flushes are skipped: a write still never shows half done, but one that returned may be
/// lost by a power failure. Writes of one document are serialised in this process (a merge reads, merges and writes
/// under the document's lock); like the other stores it expects one writing process per document.
/// </remarks>
public sealed partial class FileSystemDocumentStore : IDocumentStore
{
    /// <summary>The extension of document files.</summary>
    public const string Extension = ".ydoc";

    internal const string TemporaryPrefix = ".tmp-";

    /// <summary>Temporary files older than this are left-overs of a crash, deleted when the store starts.</summary>
    public static readonly TimeSpan StaleTemporaryAge = TimeSpan.FromMinutes(10);

    private readonly TimeProvider _timeProvider;
    private readonly bool _durable;
    private readonly KeyedLock _locks = new();
    private readonly Lazy<bool> _started;

    /// <summary>A store on <paramref name="directory"/>, created on first use when missing.</summary>
    /// <param name="directory">The folder of the document files.</param>
    /// <param name="timeProvider">The clock of the stored <c>updated at</c>.</param>
    /// <param name="durable">Flush writes to the disk before they return (fsync of the file and of the folder).</param>
    public FileSystemDocumentStore(string directory, TimeProvider? timeProvider = null, bool durable = true)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        DirectoryPath = Path.GetFullPath(directory);
        _timeProvider = timeProvider ?? TimeProvider.System;
        _durable = durable;
        _started = new Lazy<bool>(Start, LazyThreadSafetyMode.PublicationOnly);
    }

    /// <summary>The absolute path of the folder.</summary>
    public string DirectoryPath { get; }

    /// <summary>Test seam: wraps the stream a document is written to (to fail a write half-way, like a full disk).</summary>
    internal Func<Stream, Stream>? WriteInterceptor { get; set; }

    /// <summary>The file of a document.</summary>
    public string PathOf(string documentName) => Path.Combine(DirectoryPath, DocumentKeys.Encode(documentName) + Extension);

    /// <inheritdoc />
    public async Task<byte[]?> LoadAsync(string documentName, CancellationToken cancellationToken = default)
    {
        var nameBytes = DocumentKeys.NameBytes(documentName);
        var path = Path.Combine(DirectoryPath, DocumentKeys.Encode(nameBytes) + Extension);
        return await ReadAsync("load", documentName, nameBytes, path, cancellationToken);
    }

    /// <inheritdoc />
    public async Task StoreAsync(string documentName, ReadOnlyMemory<byte> state, CancellationToken cancellationToken = default)
    {
        var nameBytes = DocumentKeys.NameBytes(documentName);
        if (state.IsEmpty)
        {
            throw new ArgumentException("A document state is never empty (an empty document encodes as two bytes).", nameof(state));
        }

        var key = DocumentKeys.Encode(nameBytes);
        using var held = await _locks.AcquireAsync(key, cancellationToken);
        var path = Path.Combine(DirectoryPath, key + Extension);
        if (DocumentKeys.IsHashed(key))
        {
            _ = await CheckOwnerAsync("store", documentName, nameBytes, path, cancellationToken);
        }

        await WriteAsync(documentName, nameBytes, path, state, cancellationToken);
    }

    /// <inheritdoc />
    public async Task MergeAsync(string documentName, ReadOnlyMemory<byte> update, CancellationToken cancellationToken = default)
    {
        var nameBytes = DocumentKeys.NameBytes(documentName);
        if (update.IsEmpty)
        {
            throw new ArgumentException("An update is never empty.", nameof(update));
        }

        var key = DocumentKeys.Encode(nameBytes);
        using var held = await _locks.AcquireAsync(key, cancellationToken);
        var path = Path.Combine(DirectoryPath, key + Extension);
        var existing = await ReadAsync("merge into", documentName, nameBytes, path, cancellationToken);
        byte[] merged;
        try
        {
            merged = existing is null ? YUpdates.MergeUpdates([update.ToArray()]) : YUpdates.MergeUpdates([existing, update.ToArray()]);
        }
        catch (YjsDecodingException e)
        {
            throw new ArgumentException($"The update to merge into \"{documentName}\" is not a valid Yjs update: {e.Message}", nameof(update), e);
        }

        await WriteAsync(documentName, nameBytes, path, merged, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<bool> DeleteAsync(string documentName, CancellationToken cancellationToken = default)
    {
        var nameBytes = DocumentKeys.NameBytes(documentName);
        var key = DocumentKeys.Encode(nameBytes);
        using var held = await _locks.AcquireAsync(key, cancellationToken);
        var path = Path.Combine(DirectoryPath, key + Extension);
        if (DocumentKeys.IsHashed(key) && !await CheckOwnerAsync("delete", documentName, nameBytes, path, cancellationToken))
        {
            return false;
        }

        try
        {
            if (!File.Exists(path))
            {
                return false;
            }

            File.Delete(path);
            if (_durable)
            {
                FileSystemSync.SyncDirectory(DirectoryPath);
            }

            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DocumentStoreException("delete", documentName, path, e.Message, e);
        }
    }

    /// <summary>
    /// Whether a file is under a hashed key; refuses to write over or delete the file of another name under the same
    /// key (a SHA-256 collision). A file whose header is unreadable counts as this document's: a fresh full state (or a
    /// delete) is how a corrupted document is repaired.
    /// </summary>
    private static async Task<bool> CheckOwnerAsync(string operation, string documentName, byte[] nameBytes, string path, CancellationToken cancellationToken)
    {
        StoredHeader? header;
        try
        {
            header = await ReadHeaderAsync(path, cancellationToken);
        }
        catch (DocumentStoreCorruptedException)
        {
            return true;
        }

        return header is null
            ? false
            : header.NameBytes.AsSpan().SequenceEqual(nameBytes)
                ? true
                : throw new DocumentStoreException(operation, documentName, path, "the file belongs to another document whose name hashes to the same key (a SHA-256 collision); nothing was changed.");
    }

    private async Task<byte[]?> ReadAsync(string operation, string documentName, byte[] nameBytes, string path, CancellationToken cancellationToken)
    {
        _ = _started.Value;
        FileStream file;
        try
        {
            file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DocumentStoreException(operation, documentName, path, e.Message, e);
        }

        await using (file)
        {
            try
            {
                var header = await StoredDocumentFormat.ReadHeaderAsync(file, file.Length, documentName, cancellationToken);
                if (!header.NameBytes.AsSpan().SequenceEqual(nameBytes))
                {
                    throw new DocumentStoreException(operation, documentName, path, "the file belongs to another document whose name hashes to the same key (a SHA-256 collision); nothing was read or written.");
                }

                return await StoredDocumentFormat.ReadStateAsync(file, header, documentName, cancellationToken);
            }
            catch (Exception e) when (e is IOException and not DocumentStoreException or UnauthorizedAccessException)
            {
                throw new DocumentStoreException(operation, documentName, path, e.Message, e);
            }
        }
    }

    private async Task WriteAsync(string documentName, byte[] nameBytes, string path, ReadOnlyMemory<byte> state, CancellationToken cancellationToken)
    {
        _ = _started.Value;
        var header = StoredDocumentFormat.Header(nameBytes, state.Length, _timeProvider.GetUtcNow());
        var trailer = StoredDocumentFormat.Trailer(state.Span);
        var temporary = Path.Combine(DirectoryPath, TemporaryPrefix + Guid.NewGuid().ToString("N"));
        try
        {
            var options = new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                Share = FileShare.None,
                Options = FileOptions.Asynchronous,
                BufferSize = 0,
                // reserves the space up front where the file system can: a full disk fails here, before any writing
                PreallocationSize = header.Length + state.Length + trailer.Length,
            };
            await using (var file = new FileStream(temporary, options))
            {
                var target = WriteInterceptor?.Invoke(file) ?? file;
                await target.WriteAsync(header, cancellationToken);
                await target.WriteAsync(state, cancellationToken);
                await target.WriteAsync(trailer, cancellationToken);
                await target.FlushAsync(cancellationToken);
                if (_durable)
                {
                    file.Flush(flushToDisk: true);
                }
            }

            File.Move(temporary, path, overwrite: true);
            if (_durable)
            {
                FileSystemSync.SyncDirectory(DirectoryPath);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or OperationCanceledException)
        {
            TryDelete(temporary);
            if (e is OperationCanceledException)
            {
                throw;
            }

            var reason = e is IOException { HResult: var code } && DocumentStoreException.IsDiskFullCode(code)
                ? $"the disk is full ({e.Message}); the previously stored state is unchanged."
                : $"{e.Message}; the previously stored state is unchanged.";
            throw new DocumentStoreException("store", documentName, path, reason, e);
        }
    }

    private bool Start()
    {
        try
        {
            Directory.CreateDirectory(DirectoryPath);
            var stale = _timeProvider.GetUtcNow().UtcDateTime - StaleTemporaryAge;
            foreach (var temporary in Directory.EnumerateFiles(DirectoryPath, TemporaryPrefix + "*"))
            {
                if (File.GetLastWriteTimeUtc(temporary) < stale)
                {
                    TryDelete(temporary);
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DocumentStoreException("open", null, DirectoryPath, e.Message, e);
        }

        return true;
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // removed on a later start
        }
    }
}
