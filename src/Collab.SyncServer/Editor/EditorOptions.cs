using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Collab.SyncServer.Editor;

/// <summary>The collaborative editor page (Tiptap over <c>@hocuspocus/provider</c>), bound from <c>Collab:Editor</c>.</summary>
public sealed class EditorOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Collab:Editor";

    /// <summary>Serve the page, its document list and the root redirect. Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Where the page is served (<c>{Path}/</c>). Default <c>/editor</c>.</summary>
    [Required(AllowEmptyStrings = false)]
    public string Path { get; set; } = "/editor";

    /// <summary>
    /// A browser's navigation to <c>/</c> (a GET that accepts text/html and is no WebSocket upgrade) is redirected to the
    /// page. Other requests to <c>/</c> (providers, health probes, <c>curl</c>) keep the Hocuspocus answer. Default true.
    /// </summary>
    public bool RedirectRoot { get; set; } = true;

    /// <summary>
    /// Serve the page's read-only list of document names (<c>{Path}/documents</c>): open documents and, up to
    /// <see cref="MaxListedDocuments"/>, stored ones. With JWT authentication on, only to a valid bearer token, and only
    /// the names it may read. Default true.
    /// </summary>
    public bool ListDocuments { get; set; } = true;

    /// <summary>At most this many stored documents are listed. Default 500.</summary>
    [Range(0, 100_000)]
    public int MaxListedDocuments { get; set; } = 500;
}

/// <summary>
/// Checks of <see cref="EditorOptions"/> that attributes cannot express: the path's form, and that it shares no route
/// with the server's other endpoints (the Hocuspocus path, the y-websocket prefix, the operator API, the health probes),
/// which the page would hide or be hidden by.
/// </summary>
internal sealed class EditorOptionsValidator(IOptions<SyncServerOptions> syncServer, IOptions<Api.ApiOptions> api) : IValidateOptions<EditorOptions>
{
    public ValidateOptionsResult Validate(string? name, EditorOptions options)
    {
        if (!options.Path.StartsWith('/') || options.Path.TrimEnd('/').Length == 0)
        {
            return ValidateOptionsResult.Fail("Collab:Editor:Path must start with '/' and must not be '/' itself.");
        }

        // the page's redirects and its addresses are relative: each segment must read as a plain path segment
        if (options.Path.TrimEnd('/')[1..].Split('/').Any(segment => segment is "" or "." or ".." || !segment.All(IsPlain)))
        {
            return ValidateOptionsResult.Fail(
                $"Collab:Editor:Path '{options.Path}' must be segments of letters, digits, '-', '_', '.' and '~' separated by single '/' (no '.' or '..' segment).");
        }

        (string Setting, string Path)[] routes =
        [
            ("Collab:SyncServer:Path", syncServer.Value.Path),
            ("Collab:SyncServer:YWebsocketPath", syncServer.Value.YWebsocketPath),
            ("Collab:Api:Path", api.Value.Path),
            ("the readiness probe", "/health"),
            ("the liveness probe", "/alive"),
        ];
        var editor = Normalize(options.Path);
        foreach (var (setting, path) in routes)
        {
            var other = Normalize(path);
            if (other.Length > 0 && Overlaps(editor, other))
            {
                return ValidateOptionsResult.Fail($"Collab:Editor:Path '{options.Path}' overlaps {setting} '{path}': give the editor page a path of its own.");
            }
        }

        return ValidateOptionsResult.Success;
    }

    private static bool IsPlain(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '~';

    private static string Normalize(string path) => path.Trim().TrimEnd('/').ToLowerInvariant();

    private static bool Overlaps(string a, string b) =>
        a == b || a.StartsWith(b + "/", StringComparison.Ordinal) || b.StartsWith(a + "/", StringComparison.Ordinal);
}
