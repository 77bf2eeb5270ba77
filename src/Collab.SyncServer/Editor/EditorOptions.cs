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

/// <summary>Checks of <see cref="EditorOptions"/> that attributes cannot express.</summary>
internal sealed class EditorOptionsValidator : IValidateOptions<EditorOptions>
{
    public ValidateOptionsResult Validate(string? name, EditorOptions options) =>
        options.Path.StartsWith('/') && options.Path.TrimEnd('/').Length > 0
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail("Collab:Editor:Path must start with '/' and must not be '/' itself.");
}
