using System.Net.WebSockets;
using Collab.SyncServer.Connections;
using Collab.SyncServer.Hooks;
using Collab.SyncServer.Telemetry;

namespace Collab.SyncServer.Hosting;

/// <summary>The HTTP side: the Hocuspocus endpoint, the y-websocket endpoint and plain requests (protocol.md §7.2.1).</summary>
internal static class SyncServerEndpoints
{
    public const string DefaultAnswer = "Welcome to Hocuspocus!";

    public static async Task HandleHocuspocusAsync(HttpContext http)
    {
        var services = http.RequestServices.GetRequiredService<ConnectionServices>();
        if (!http.WebSockets.IsWebSocketRequest)
        {
            await AnswerRequestAsync(http, services).ConfigureAwait(false);
            return;
        }

        if (!await UpgradeAllowedAsync(http, services, ConnectionKind.Hocuspocus).ConfigureAwait(false))
        {
            return;
        }

        using var socket = await AcceptAsync(http).ConfigureAwait(false);
        var session = new HocuspocusSession(socket, http, services);
        services.Logger.SocketOpened(session.SocketId, "hocuspocus");
        await session.RunAsync(http.RequestAborted).ConfigureAwait(false);
    }

    public static async Task HandleYWebsocketAsync(HttpContext http, string document)
    {
        var services = http.RequestServices.GetRequiredService<ConnectionServices>();
        if (!http.WebSockets.IsWebSocketRequest)
        {
            await AnswerRequestAsync(http, services).ConfigureAwait(false);
            return;
        }

        if (!await UpgradeAllowedAsync(http, services, ConnectionKind.YWebsocket).ConfigureAwait(false))
        {
            return;
        }

        using var socket = await AcceptAsync(http).ConfigureAwait(false);
        var session = new YWebsocketSession(socket, http, services, document);
        services.Logger.SocketOpened(session.SocketId, "y-websocket");
        await session.RunAsync(http.RequestAborted).ConfigureAwait(false);
    }

    private static Task<WebSocket> AcceptAsync(HttpContext http) =>
        http.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext { DangerousEnableCompression = false });

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

    private static async Task<bool> UpgradeAllowedAsync(HttpContext http, ConnectionServices services, ConnectionKind kind)
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
