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
        UpgradeRequest? upgrade;
        try
        {
            upgrade = await ReadUpgradeAsync(connection).ConfigureAwait(false);
        }
        catch (Exception e) when (IsGone(e))
        {
            // reset before its first request: nothing to answer, and nothing to log as a failure
            return null;
        }

        if (upgrade is not { } request)
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
            await TryWriteAsync(output, WebSocketHandshake.Refusal(features.StatusCode)).ConfigureAwait(false);
            return null;
        }

        if (!await TryWriteAsync(output, WebSocketHandshake.SwitchingProtocols(features.Headers.SecWebSocketKey[0]!)).ConfigureAwait(false))
        {
            // the client left (or reset) before the answer: nothing to serve
            return null;
        }

        var socket = new FrameSocket(connection.Transport.Input, output, connection.Abort, services.Options.MaxMessageBytes, services.MessageBuffers);
        return SyncServerEndpoints.CreateSession(socket, http, services, kind, document);
    }

    /// <summary>Writes an answer of the handshake; false when the connection is gone (a normal event, not a failure).</summary>
    private static async Task<bool> TryWriteAsync(System.IO.Pipelines.PipeWriter output, byte[] answer)
    {
        try
        {
            await output.WriteAsync(answer).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (IsGone(e))
        {
            return false;
        }
    }

    /// <summary>The exceptions a read or write of a connection the client already left (or reset) throws.</summary>
    private static bool IsGone(Exception e) => e is IOException or ObjectDisposedException or ConnectionResetException or ConnectionAbortedException;

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

/// <summary>
/// Puts <see cref="DirectWebSockets"/> in front of every Kestrel endpoint without TLS (when enabled). It runs before
/// Kestrel's TLS middleware, so on an endpoint with TLS it would see the encrypted bytes, and answer a plaintext upgrade
/// that the endpoint should refuse; there it passes every connection on.
/// </summary>
internal sealed class DirectWebSocketsSetup(IOptions<SyncServerOptions> options, DirectEndpoints endpoints) : IConfigureOptions<KestrelServerOptions>
{
    public void Configure(KestrelServerOptions kestrel)
    {
        if (!options.Value.DirectWebSockets)
        {
            return;
        }

        kestrel.ConfigureEndpointDefaults(listen => listen.Use(next =>
        {
            // called when Kestrel builds the endpoint's pipeline, after all of its configuration, just before binding
            if (!endpoints.Record(listen))
            {
                return next;
            }

            DirectWebSockets? handler = null;
            return connection =>
            {
                handler ??= new DirectWebSockets(listen.ApplicationServices.GetRequiredService<ConnectionServices>());
                return handler.OnConnectionAsync(connection, next);
            };
        }));
    }
}

/// <summary>
/// The endpoints <see cref="DirectWebSockets"/> serves, as Kestrel builds them, and whether they are plain (no TLS).
/// <see cref="SyncSocketTransport"/> binds only plain ones; an endpoint whose defaults were replaced by the application
/// (no middleware), or with TLS, or whose TLS cannot be told, is left to Kestrel.
/// </summary>
internal sealed class DirectEndpoints
{
    // ListenOptions says whether UseHttps was called only internally; where a later Kestrel lacks it, nothing is plain
    private static readonly System.Reflection.PropertyInfo? IsTls =
        typeof(ListenOptions).GetProperty("IsTls", System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic);

    private readonly System.Collections.Concurrent.ConcurrentDictionary<System.Net.EndPoint, bool> _plain = new();

    /// <summary>Notes <paramref name="listen"/>'s endpoint; true when it has no TLS.</summary>
    public bool Record(ListenOptions listen)
    {
        var plain = IsTls?.GetValue(listen) is false;

        // two endpoints that compare equal (the same address, port 0) are plain only if both are
        _plain.AddOrUpdate(listen.EndPoint, plain, (_, was) => was && plain);
        return plain;
    }

    public bool IsPlain(System.Net.EndPoint endpoint) => _plain.TryGetValue(endpoint, out var plain) && plain;
}
