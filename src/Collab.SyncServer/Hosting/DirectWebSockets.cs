using Collab.SyncServer.Connections;
using Collab.SyncServer.Connections.WebSockets;
using Collab.SyncServer.Hooks;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace Collab.SyncServer.Hosting;

/// <summary>
/// Kestrel connection middleware that answers plain HTTP/1.1 WebSocket upgrades to the sync paths itself and runs the
/// session directly on the connection's transport pipes. An upgraded connection then holds no HTTP/1.1 connection
/// state, request and response header collections, request streams, HttpContext pipeline or per-request activity
/// (about 10 KiB per idle socket, measured), and frames are read and written without intermediate copies.
/// Everything else — other paths, HTTP/2, TLS, malformed or unusual requests, a second request on a kept-alive
/// connection — continues untouched to Kestrel's HTTP stack and the endpoints of <see cref="SyncServerEndpoints"/>.
/// ASP.NET Core middleware does not run for the upgrades answered here (hooks do: onUpgrade, onConnect, ...);
/// set <see cref="SyncServerOptions.DirectWebSockets"/> to false to route them through the pipeline instead.
/// </summary>
internal sealed class DirectWebSockets(ConnectionServices services)
{
    private static readonly TimeSpan HeadTimeout = TimeSpan.FromSeconds(30);

    private readonly IServiceScopeFactory _scopes = services.Services.GetRequiredService<IServiceScopeFactory>();

    public Task OnConnectionAsync(ConnectionContext connection, ConnectionDelegate next)
    {
        // The handshake is an async method that completes before the session starts, and the connection's task is
        // then the session's own: while the socket lives no state machine of this class is kept (an awaiting method
        // here would hold one per socket).
        var accepted = HandshakeAsync(connection, next);
        if (accepted.IsCompletedSuccessfully)
        {
            return accepted.Result?.RunAsync() ?? Task.CompletedTask;
        }

        return accepted.ContinueWith(
            static t => t.IsCompletedSuccessfully ? t.Result?.RunAsync() ?? Task.CompletedTask : t,
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default).Unwrap();
    }

    /// <summary>
    /// Reads the request head; a sync-path upgrade gets its answer and a session (which then owns the request's
    /// features), anything else goes on to Kestrel's HTTP stack (awaited here) and yields null, as does a refusal.
    /// </summary>
    private async Task<SocketSession?> HandshakeAsync(ConnectionContext connection, ConnectionDelegate next)
    {
        if (await ReadUpgradeAsync(connection).ConfigureAwait(false) is not { } request)
        {
            await next(connection).ConfigureAwait(false);
            return null;
        }

        DirectHttpFeatures? features = new DirectHttpFeatures(connection, _scopes, request.Path, request.QueryString, request.RawTarget, request.Headers).WithAddresses();
        try
        {
            if (await AcceptAsync(connection, features).ConfigureAwait(false) is { } session)
            {
                session.Resources = features;
                features = null;
                return session;
            }

            return null;
        }
        finally
        {
            if (features is not null)
            {
                await features.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>The upgrade request when the connection starts with one for the sync paths; null (nothing consumed) otherwise.</summary>
    private async Task<UpgradeRequest?> ReadUpgradeAsync(ConnectionContext connection)
    {
        var input = connection.Transport.Input;
        using var timeout = new CancellationTokenSource(HeadTimeout);
        using var cancel = timeout.Token.UnsafeRegister(static s => ((System.IO.Pipelines.PipeReader)s!).CancelPendingRead(), input);
        while (true)
        {
            var result = await input.ReadAsync().ConfigureAwait(false);
            var request = default(UpgradeRequest);
            long headLength = 0;
            var status = result.IsCanceled
                ? WebSocketHandshake.ParseStatus.Other
                : WebSocketHandshake.TryParse(result.Buffer, out request, out headLength);
            if (status == WebSocketHandshake.ParseStatus.NeedMore && !result.IsCompleted)
            {
                input.AdvanceTo(result.Buffer.Start, result.Buffer.End);
                continue;
            }

            if (status == WebSocketHandshake.ParseStatus.Upgrade && Route(request.Path) is not null)
            {
                input.AdvanceTo(result.Buffer.GetPosition(headLength));
                return request;
            }

            // not ours: Kestrel's HTTP stack reads the same bytes again
            input.AdvanceTo(result.Buffer.Start);
            return null;
        }
    }

    /// <summary>onUpgrade, then the 101 answer and the session; null after a refusal (answered here).</summary>
    private async Task<SocketSession?> AcceptAsync(ConnectionContext connection, DirectHttpFeatures features)
    {
        var (kind, document) = Route(features.Path)!.Value;
        var http = new DefaultHttpContext(features);
        // the 101 answer too goes through the direct writer: the transport's output pipe is never written then
        System.IO.Pipelines.PipeWriter output = services.Options.DirectSocketWrites && DirectSocketWriter.SocketOf(connection) is { } raw
            ? new DirectSocketWriter(raw)
            : connection.Transport.Output;
        if (!await SyncServerEndpoints.UpgradeAllowedAsync(http, services, kind).ConfigureAwait(false))
        {
            await output.WriteAsync(WebSocketHandshake.Refusal(features.StatusCode)).ConfigureAwait(false);
            return null;
        }

        await output.WriteAsync(WebSocketHandshake.SwitchingProtocols(features.Headers.SecWebSocketKey[0]!)).ConfigureAwait(false);
        var socket = new FrameSocket(connection.Transport.Input, output, connection.Abort, services.Options.MaxMessageBytes);
        return SyncServerEndpoints.CreateSession(socket, http, services, kind, document);
    }

    /// <summary>True when <paramref name="path"/> is one of the sync paths (Hocuspocus or y-websocket).</summary>
    public bool IsSyncPath(string path) => Route(path) is not null;

    private (ConnectionKind Kind, string? Document)? Route(string path)
    {
        var options = services.Options;
        var yws = options.YWebsocketPath.TrimEnd('/') + "/";
        if (path.StartsWith(yws, StringComparison.OrdinalIgnoreCase) && path.Length > yws.Length && !path.EndsWith('/'))
        {
            return (ConnectionKind.YWebsocket, path[yws.Length..]);
        }

        var hocuspocus = options.Path.TrimEnd('/');
        if (path.TrimEnd('/').Equals(hocuspocus, StringComparison.OrdinalIgnoreCase))
        {
            return (ConnectionKind.Hocuspocus, null);
        }

        return null;
    }
}

/// <summary>Puts <see cref="DirectWebSockets"/> in front of every Kestrel endpoint (when enabled).</summary>
internal sealed class DirectWebSocketsSetup(IOptions<SyncServerOptions> options) : IConfigureOptions<KestrelServerOptions>
{
    public void Configure(KestrelServerOptions kestrel)
    {
        if (!options.Value.DirectWebSockets)
        {
            return;
        }

        kestrel.ConfigureEndpointDefaults(listen => listen.Use(next =>
        {
            DirectWebSockets? handler = null;
            return connection =>
            {
                handler ??= new DirectWebSockets(listen.ApplicationServices.GetRequiredService<ConnectionServices>());
                return handler.OnConnectionAsync(connection, next);
            };
        }));
    }
}
