using System.Collections.Frozen;
using System.Security.Cryptography;

namespace Collab.SyncServer.Editor;

/// <summary>
/// The built page (index.html, editor.js, editor.css), embedded in this assembly by the build (web/editor, bundled with
/// esbuild; see Collab.SyncServer.csproj). Empty when the build had no Node.js to bundle it with.
/// </summary>
internal sealed class EditorAssets
{
    private const string ResourcePrefix = "collab-editor/";

    private EditorAssets(FrozenDictionary<string, Asset> files) => Files = files;

    /// <summary>One file of the page, with its content type and a strong ETag.</summary>
    public sealed record Asset(byte[] Content, string ContentType, string ETag);

    public FrozenDictionary<string, Asset> Files { get; }

    public bool IsBuilt => Files.ContainsKey("index.html") && Files.ContainsKey("editor.js");

    public static EditorAssets Load()
    {
        var assembly = typeof(EditorAssets).Assembly;
        var files = new Dictionary<string, Asset>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            var content = buffer.ToArray();
            var name = resource[ResourcePrefix.Length..];
            files[name] = new Asset(content, ContentTypeOf(name), $"\"{Convert.ToHexStringLower(SHA256.HashData(content))[..32]}\"");
        }

        return new EditorAssets(files.ToFrozenDictionary(StringComparer.Ordinal));
    }

    private static string ContentTypeOf(string name) => System.IO.Path.GetExtension(name) switch
    {
        ".html" => "text/html; charset=utf-8",
        ".js" => "text/javascript; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".map" => "application/json",
        ".png" => "image/png",
        ".svg" => "image/svg+xml",
        _ => "application/octet-stream",
    };
}
