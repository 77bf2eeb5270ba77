namespace Collab.SyncServer.Hosting;

/// <summary>
/// What a person points an editor at, derived from the addresses the server listens on: the Hocuspocus provider URL,
/// the y-websocket base URL (the room name follows it) and the health URL. Wildcard hosts are shown as localhost.
/// </summary>
internal static class EditorAddresses
{
    public static (string Hocuspocus, string YWebsocket, string Health) For(string listenAddress, SyncServerOptions options)
    {
        var http = new UriBuilder(listenAddress.Replace("://+", "://localhost", StringComparison.Ordinal).Replace("://*", "://localhost", StringComparison.Ordinal));
        if (http.Host is "0.0.0.0" or "[::]" or "::")
        {
            http.Host = "localhost";
        }

        var origin = $"{http.Host}:{http.Port}";
        var ws = http.Scheme == Uri.UriSchemeHttps ? "wss" : "ws";
        return ($"{ws}://{origin}{options.Path}", $"{ws}://{origin}{options.YWebsocketPath.TrimEnd('/')}/", $"{http.Scheme}://{origin}/health");
    }
}
