namespace Collab.Persistence.Storage;

public sealed partial class FileSystemDocumentStore
{
    /// <inheritdoc />
    /// <remarks>
    /// Scans the folder's file names (decoding plain keys, reading the header of hashed ones that may match), then reads
    /// the header of each listed document for its size and time: a page costs one folder scan plus one small read per
    /// listed document. <see cref="StoredDocumentInfo.UpdatedAt"/> is the time the store wrote (its clock).
    /// </remarks>
    public async Task<IReadOnlyList<StoredDocumentInfo>> ListAsync(string? prefix = null, string? after = null, int limit = 1000, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        var prefixBytes = string.IsNullOrEmpty(prefix) ? [] : DocumentKeys.NameBytes(prefix);
        var afterBytes = after is null ? null : DocumentKeys.NameBytes(after);
        var keyPrefix = string.IsNullOrEmpty(prefix) ? "" : DocumentKeys.KeyPrefix(prefix);
        _ = _started.Value;

        var candidates = new List<(byte[] Name, string Path)>();
        IEnumerable<string> files;
        try
        {
            files = Directory.EnumerateFiles(DirectoryPath, "*" + Extension).ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DocumentStoreException("list", null, DirectoryPath, e.Message, e);
        }

        foreach (var path in files)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var key = Path.GetFileNameWithoutExtension(path);
            if (!key.StartsWith(keyPrefix, StringComparison.Ordinal) || DocumentKeys.DecodeBytes(key) is not { } decoded)
            {
                continue;
            }

            var name = decoded;
            if (DocumentKeys.IsHashed(key))
            {
                // the readable start of the name must agree with the prefix before the file is worth opening
                var common = Math.Min(decoded.Length, prefixBytes.Length);
                if (!decoded.AsSpan(0, common).SequenceEqual(prefixBytes.AsSpan(0, common)) || await ReadHeaderAsync(path, cancellationToken) is not { } header)
                {
                    continue;
                }

                if (DocumentKeys.Encode(header.NameBytes) != key)
                {
                    continue; // a file under another name's key (a copy, or a hash collision): not this key's document
                }

                name = header.NameBytes;
            }

            if (name.AsSpan().StartsWith(prefixBytes) && (afterBytes is null || name.AsSpan().SequenceCompareTo(afterBytes) > 0))
            {
                candidates.Add((name, path));
            }
        }

        candidates.Sort((a, b) => a.Name.AsSpan().SequenceCompareTo(b.Name));
        var result = new List<StoredDocumentInfo>(Math.Min(limit, candidates.Count));
        foreach (var (name, path) in candidates)
        {
            if (result.Count == limit)
            {
                break;
            }

            if (await ReadHeaderAsync(path, cancellationToken) is { } header)
            {
                result.Add(new StoredDocumentInfo(System.Text.Encoding.UTF8.GetString(name), header.StateLength, header.UpdatedAt));
            }
        }

        return result;
    }

    /// <summary>The header of a document file; null when the file went away meanwhile.</summary>
    private static async Task<StoredHeader?> ReadHeaderAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 4096, FileOptions.Asynchronous);
            return await StoredDocumentFormat.ReadHeaderAsync(file, file.Length, Path.GetFileName(path), cancellationToken);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        catch (Exception e) when (e is IOException and not DocumentStoreException or UnauthorizedAccessException)
        {
            throw new DocumentStoreException("list", null, path, e.Message, e);
        }
    }
}
