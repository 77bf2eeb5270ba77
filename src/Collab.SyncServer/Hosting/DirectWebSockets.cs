using System.Net;
using Collab.SyncServer.Connections;
using Collab.SyncServer.Connections.WebSockets;
using Collab.SyncServer.Hooks;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Features;
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

    public async Task OnConnectionAsync(ConnectionContext connection, ConnectionDelegate next)
    {
        var input = connection.Transport.Input;
        HttpRequestFeature? request = null;
        long headLength = 0;
        using (var timeout = new CancellationTokenSource(HeadTimeout))
        using (timeout.Token.UnsafeRegister(static s => ((PipeReaderHolder)s!).Reader.CancelPendingRead(), new PipeReaderHolder(input)))
        {
            while (true)
            {
                var result = await input.ReadAsync().ConfigureAwait(false);
                var status = result.IsCanceled
                    ? WebSocketHandshake.ParseStatus.Other
                    : WebSocketHandshake.TryParse(result.Buffer, out request, out headLength);
                if (status == WebSocketHandshake.ParseStatus.NeedMore && !result.IsCompleted)
                {
                    input.AdvanceTo(result.Buffer.Start, result.Buffer.End);
                    continue;
                }

                if (status == WebSocketHandshake.ParseStatus.Upgrade && Route(request!.Path) is { } route)
                {
                    input.AdvanceTo(result.Buffer.GetPosition(headLength));
                    break;
                }

                // not ours: Kestrel's HTTP stack reads the same bytes again
                input.AdvanceTo(result.Buffer.Start);
                request = null;
                break;
            }
        }

        if (request is null)
        {
            await next(connection).ConfigureAwait(false);
            return;
        }

        await RunAsync(connection, request).ConfigureAwait(false);
    }

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

    private async Task RunAsync(ConnectionContext connection, HttpRequestFeature request)
    {
        var (kind, document) = Route(request.Path)!.Value;
        var features = new FeatureCollection();
        features.Set<IHttpRequestFeature>(request);
        features.Set<IHttpResponseFeature>(new HttpResponseFeature());
        features.Set<IHttpResponseBodyFeature>(new StreamResponseBodyFeature(Stream.Null));
        features.Set<IHttpConnectionFeature>(new HttpConnectionFeature
        {
            ConnectionId = connection.ConnectionId,
            RemoteIpAddress = (connection.RemoteEndPoint as IPEndPoint)?.Address,
            RemotePort = (connection.RemoteEndPoint as IPEndPoint)?.Port ?? 0,
            LocalIpAddress = (connection.LocalEndPoint as IPEndPoint)?.Address,
            LocalPort = (connection.LocalEndPoint as IPEndPoint)?.Port ?? 0,
        });
        features.Set<IHttpRequestLifetimeFeature>(new HttpRequestLifetimeFeature { RequestAborted = connection.ConnectionClosed });
        var http = new DefaultHttpContext(features);
        await using var requestServices = new RequestServicesFeature(http, services.Services.GetRequiredService<IServiceScopeFactory>());
        features.Set<IServiceProvidersFeature>(requestServices);

        var output = connection.Transport.Output;
        if (!await SyncServerEndpoints.UpgradeAllowedAsync(http, services, kind).ConfigureAwait(false))
        {
            await output.WriteAsync(WebSocketHandshake.Refusal(http.Response.StatusCode)).ConfigureAwait(false);
            return;
        }

        await output.WriteAsync(WebSocketHandshake.SwitchingProtocols(request.Headers.SecWebSocketKey[0]!)).ConfigureAwait(false);
        var socket = new FrameSocket(connection.Transport.Input, output, connection.Abort, services.Options.MaxMessageBytes);
        await SyncServerEndpoints.RunSessionAsync(socket, http, services, kind, document).ConfigureAwait(false);
    }

    /// <summary>Boxes the reader for the timeout callback.</summary>
    private sealed record PipeReaderHolder(System.IO.Pipelines.PipeReader Reader);
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
