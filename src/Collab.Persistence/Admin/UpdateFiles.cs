using System.Text.Encodings.Web;
using System.Text.Json;
using Collab.Persistence.Storage;
using Collab.Yjs;
using Collab.Yjs.Lib0;

namespace Collab.Persistence.Admin;

/// <summary>
/// Exported documents: one Yjs v1 update per file, named <c>&lt;key&gt;.yjs</c> with the storage key of
/// <see cref="DocumentKeys"/> (safe on every file system), and <c>index.json</c> mapping file → document name.
/// </summary>
internal static class UpdateFiles
{
    public const string Extension = ".yjs";
    public const string IndexFile = "index.json";

    private static readonly JsonSerializerOptions Json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, WriteIndented = true };

    public static string FileName(string documentName) => DocumentKeys.Encode(documentName) + Extension;

    /// <summary>Writes <paramref name="bytes"/> to <paramref name="path"/> through a temporary file, so a reader never sees half a file.</summary>
    public static async Task WriteAsync(string path, byte[] bytes, CancellationToken cancellationToken)
    {
        var temporary = path + ".tmp-" + Guid.NewGuid().ToString("N");
        try
        {
            await File.WriteAllBytesAsync(temporary, bytes, cancellationToken);
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    public static Task WriteIndexAsync(string folder, IReadOnlyDictionary<string, string> fileToName, CancellationToken cancellationToken) =>
        WriteAsync(Path.Combine(folder, IndexFile), JsonSerializer.SerializeToUtf8Bytes(fileToName, Json), cancellationToken);

    /// <summary>The index of <paramref name="folder"/> (file → name), or null when it has none.</summary>
    public static async Task<Dictionary<string, string>?> ReadIndexAsync(string folder, CancellationToken cancellationToken)
    {
        var path = Path.Combine(folder, IndexFile);
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            await using var stream = File.OpenRead(path);
            return await JsonSerializer.DeserializeAsync<Dictionary<string, string>>(stream, Json, cancellationToken)
                ?? throw new AdminException($"{path} is empty; it should map file names to document names");
        }
        catch (JsonException e)
        {
            throw new AdminException($"{path} is not an object mapping file names to document names: {e.Message}");
        }
    }

    /// <summary>The document name of an exported file from its name (<c>&lt;key&gt;.yjs</c> of a plain key), or null.</summary>
    public static string? NameFromFileName(string fileName) =>
        fileName.EndsWith(Extension, StringComparison.Ordinal) ? DocumentKeys.TryDecode(fileName[..^Extension.Length]) : null;

    /// <summary>Reads a file and checks that it is a Yjs v1 update (its metadata parses and it applies to a document).</summary>
    public static async Task<byte[]> ReadUpdateAsync(string path, CancellationToken cancellationToken)
    {
        var bytes = await File.ReadAllBytesAsync(path, cancellationToken);
        if (bytes.Length == 0)
        {
            throw new AdminException($"{path} is empty, not a Yjs v1 update; nothing was imported");
        }

        try
        {
            _ = YUpdates.ParseUpdateMeta(bytes);
            new Doc().ApplyUpdate(bytes);
        }
        catch (YjsDecodingException e)
        {
            throw new AdminException($"{path} is not a Yjs v1 update ({e.Message}); nothing was imported");
        }

        return bytes;
    }
}
