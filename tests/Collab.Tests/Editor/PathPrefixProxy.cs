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
/// is not found. It records the paths it was asked for.
/// </summary>
internal sealed class PathPrefixProxy : IAsyncDisposable
{
    private readonly LoopbackApp _app;
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _requested = new();

    private PathPrefixProxy(LoopbackApp app) => _app = app;

    /// <summary>The address of the prefix, with its slash (http://127.0.0.1:port/prefix/).</summary>
    public Uri Address { get; private set; } = null!;

    /// <summary>Every path (with its query) the proxy was asked for, in order.</summary>
    public IReadOnlyList<string> Requested => [.. _requested];

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
                web.Use((context, next) =>
                {
                    proxy?._requested.Enqueue(context.Request.Path + context.Request.QueryString);
                    // the route's catch-all also matches the bare prefix, which nginx's "location /prefix/" does not
                    if (context.Request.Path.Value == prefix)
                    {
                        context.Response.StatusCode = StatusCodes.Status404NotFound;
                        return Task.CompletedTask;
                    }

                    return next(context);
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
