using System.IO.Pipelines;
using Collab.SyncServer.Connections;
using Collab.SyncServer.Connections.WebSockets;
using Collab.SyncServer.Hooks;
using Collab.SyncServer.Telemetry;
using Microsoft.AspNetCore.Http.Features;

namespace Collab.SyncServer.Hosting;

/// <summary>The HTTP side: the Hocuspocus endpoint, the y-websocket endpoint and plain requests (protocol.md §7.2.1).</summary>
internal static class SyncServerEndpoints
{
    public const string DefaultAnswer = "Welcome to Hocuspocus!";

    public static async Task HandleHocuspocusAsync(HttpContext http)
    {
        var services = http.RequestServices.GetRequiredService<ConnectionServices>();
        if (!WantsWebSocket(http))
        {
            await AnswerRequestAsync(http, services).ConfigureAwait(false);
            return;
        }

        if (!await UpgradeAllowedAsync(http, services, ConnectionKind.Hocuspocus).ConfigureAwait(false))
        {
            return;
        }

        if (await AcceptAsync(http, services).ConfigureAwait(false) is { } socket)
        {
            await CreateSession(socket, http, services, ConnectionKind.Hocuspocus, null).RunAsync().ConfigureAwait(false);
        }
    }

    public static async Task HandleYWebsocketAsync(HttpContext http, string document)
    {
        var services = http.RequestServices.GetRequiredService<ConnectionServices>();
        if (!WantsWebSocket(http))
        {
            await AnswerRequestAsync(http, services).ConfigureAwait(false);
            return;
        }

        if (!await UpgradeAllowedAsync(http, services, ConnectionKind.YWebsocket).ConfigureAwait(false))
        {
            return;
        }

        if (await AcceptAsync(http, services).ConfigureAwait(false) is { } socket)
        {
            await CreateSession(socket, http, services, ConnectionKind.YWebsocket, document).RunAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// A valid WebSocket request, or an HTTP/1.1 upgrade to "websocket" whose key or version is wrong: like the
    /// <c>ws</c> server behind Hocuspocus, the latter is answered with a 400 by <see cref="AcceptAsync"/>, not with
    /// the plain-request text (IsWebSocketRequest is false for it).
    /// </summary>
    private static bool WantsWebSocket(HttpContext http) =>
        http.WebSockets.IsWebSocketRequest
        || (http.Features.Get<IHttpUpgradeFeature>() is { IsUpgradableRequest: true } && WebSocketHandshake.HasToken(http.Request.Headers.Upgrade, "websocket"));

    /// <summary>A Hocuspocus or y-websocket session on an accepted socket (both accept paths end here).</summary>
    internal static SocketSession CreateSession(FrameSocket socket, HttpContext http, ConnectionServices services, ConnectionKind kind, string? document)
    {
        SocketSession session = kind == ConnectionKind.YWebsocket
            ? new YWebsocketSession(socket, http, services, document!)
            : new HocuspocusSession(socket, http, services);
        services.Logger.SocketOpened(session.SocketId, kind == ConnectionKind.YWebsocket ? "y-websocket" : "hocuspocus");
        return session;
    }

    /// <summary>
    /// The upgrade through Kestrel's HTTP stack (HTTP/1.1 upgrade or HTTP/2 extended CONNECT), for what
    /// <see cref="DirectWebSockets"/> leaves to it: the handshake answer is written here and the frames are read and
    /// written by the same <see cref="FrameSocket"/> over the upgraded stream. Null (with a 400) for a bad handshake.
    /// </summary>
    private static async Task<FrameSocket?> AcceptAsync(HttpContext http, ConnectionServices services)
    {
        Stream stream;
        if (http.Features.Get<IHttpExtendedConnectFeature>() is { IsExtendedConnect: true } connect)
        {
            stream = await connect.AcceptAsync().ConfigureAwait(false);
        }
        else
        {
            var key = http.Request.Headers.SecWebSocketKey.ToString();
            if (http.Features.Get<IHttpUpgradeFeature>() is not { IsUpgradableRequest: true } upgrade
                || !WebSocketHandshake.IsValidKey(key) || !WebSocketHandshake.IsSupportedVersion(http.Request.Headers.SecWebSocketVersion.ToString()))
            {
                http.Response.StatusCode = StatusCodes.Status400BadRequest;
                return null;
            }

            http.Response.Headers.Upgrade = "websocket";
            http.Response.Headers.Connection = "Upgrade";
            http.Response.Headers.SecWebSocketAccept = WebSocketHandshake.AcceptKey(key);
            stream = await upgrade.UpgradeAsync().ConfigureAwait(false);
        }

        var input = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 4096, minimumReadSize: 1024, leaveOpen: true, useZeroByteReads: true));
        var output = PipeWriter.Create(stream, new StreamPipeWriterOptions(leaveOpen: true));
        return new FrameSocket(input, output, http.Abort, services.Options.MaxMessageBytes, services.MessageBuffers);
    }

    private static async Task AnswerRequestAsync(HttpContext http, ConnectionServices services)
    {
        var payload = new OnRequestPayload { Services = services.Services, HttpContext = http };
        try
        {
            if (!await services.Hooks.RunAsync("onRequest", payload, static (x, p) => x.OnRequest(p)).ConfigureAwait(false))
            {
                return;
            }
        }
        catch (CollabRejectException e)
        {
            if (!http.Response.HasStarted)
            {
                http.Response.StatusCode = StatusFor(e.Code);
            }

            return;
        }

        if (payload.Handled || http.Response.HasStarted)
        {
            return;
        }

        http.Response.ContentType = "text/plain";
        await http.Response.WriteAsync(DefaultAnswer, http.RequestAborted).ConfigureAwait(false);
    }

    internal static async Task<bool> UpgradeAllowedAsync(HttpContext http, ConnectionServices services, ConnectionKind kind)
    {
        if (services.Registry.IsStopping)
        {
            http.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return false;
        }

        try
        {
            return await services.Hooks.RunAsync("onUpgrade", new OnUpgradePayload { Services = services.Services, HttpContext = http, Kind = kind }, static (x, p) => x.OnUpgrade(p)).ConfigureAwait(false)
                || Refuse(http, StatusCodes.Status403Forbidden);
        }
        catch (CollabRejectException e)
        {
            return Refuse(http, StatusFor(e.Code));
        }
    }

    private static bool Refuse(HttpContext http, int status)
    {
        if (!http.Response.HasStarted)
        {
            http.Response.StatusCode = status;
        }

        return false;
    }

    private static int StatusFor(int code) => code switch
    {
        CloseCodes.Unauthorized => StatusCodes.Status401Unauthorized,
        >= 100 and < 600 => code,
        _ => StatusCodes.Status403Forbidden,
    };
}
