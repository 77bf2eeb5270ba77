using Microsoft.AspNetCore.Http.Features;

namespace Collab.SyncServer.Api;

/// <summary>
/// The document name of an API URL, taken from the raw request target: Kestrel leaves <c>%2F</c> encoded in the path
/// but decodes everything else, so the route value alone cannot tell "a/b" from "a%2Fb". Names are one path segment,
/// percent-encoded (<c>encodeURIComponent</c>).
/// </summary>
internal static class RawDocumentName
{
    /// <summary>The name in the path segment <paramref name="fromEnd"/> places before the last (0 = the last segment).</summary>
    public static string? Get(HttpContext http, int fromEnd)
    {
        var raw = http.Features.Get<IHttpRequestFeature>()?.RawTarget ?? http.Request.Path.Value ?? "";
        var query = raw.IndexOf('?', StringComparison.Ordinal);
        if (query >= 0)
        {
            raw = raw[..query];
        }

        var segments = raw.Split('/');
        var index = segments.Length - 1 - fromEnd;
        if (index < 0)
        {
            return null;
        }

        try
        {
            return Uri.UnescapeDataString(segments[index]);
        }
        catch (UriFormatException)
        {
            return null;
        }
    }
}
