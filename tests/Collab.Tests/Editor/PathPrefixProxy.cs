using Collab.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Yarp.ReverseProxy.Configuration;

namespace Collab.Tests.Editor;

/// <summary>
/// A reverse proxy (YARP) on a free loopback port that serves one server under a path prefix and strips it, as
/// <c>location /collab/ { proxy_pass http://server/; }</c> in nginx or a path-based ingress does: HTTP requests and
/// WebSockets under <c>{prefix}/</c> go to the server without the prefix, and every other path, the bare prefix included,
/// is not found. It records the paths it was asked for and the status of each answer.
/// </summary>
internal sealed class PathPrefixProxy : IAsyncDisposable
{
    private readonly LoopbackApp _app;
    private readonly System.Collections.Concurrent.ConcurrentQueue<(string Path, int Status)> _requested = new();

    private PathPrefixProxy(LoopbackApp app) => _app = app;

    /// <summary>The address of the prefix, with its slash (http://127.0.0.1:port/prefix/).</summary>
    public Uri Address { get; private set; } = null!;

    /// <summary>Every path (with its query) the proxy answered, and the status it answered with (101 for a WebSocket).</summary>
    public IReadOnlyList<(string Path, int Status)> Requested => [.. _requested];

    public static async Task<PathPrefixProxy> StartAsync(string prefix, Uri server, CancellationToken cancellationToken)
    {
        PathPrefixProxy? proxy = null;
        var route = new RouteConfig
        {
            RouteId = "collab",
            ClusterId = "server",
            Match = new RouteMatch { Path = prefix + "/{**rest}" },
            Transforms = [new Dictionary<string, string> { ["PathRemovePrefix"] = prefix }],
        };
        var cluster = new ClusterConfig
        {
            ClusterId = "server",
            Destinations = new Dictionary<string, DestinationConfig> { ["server"] = new() { Address = server.ToString() } },
        };
        var app = await LoopbackApp.StartAsync(
            builder => builder.Services.AddReverseProxy().LoadFromMemory([route], [cluster]),
            web =>
            {
                web.Use(async (context, next) =>
                {
                    var path = context.Request.Path + context.Request.QueryString;
                    // the route's catch-all also matches the bare prefix, which nginx's "location /prefix/" does not
                    if (context.Request.Path.Value == prefix)
                    {
                        context.Response.StatusCode = StatusCodes.Status404NotFound;
                    }
                    else
                    {
                        // a WebSocket is recorded once it has ended; its status stays the 101 it was answered with
                        await next(context);
                    }

                    proxy?._requested.Enqueue((path, context.Response.StatusCode));
                });
                web.MapReverseProxy();
            },
            cancellationToken: cancellationToken);
        proxy = new PathPrefixProxy(app);
        proxy.Address = new Uri(app.Address, prefix + "/");
        return proxy;
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
