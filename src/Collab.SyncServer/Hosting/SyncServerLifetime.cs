using Collab.SyncServer.Auth;
using Collab.SyncServer.Connections;
using Collab.SyncServer.Documents;
using Collab.SyncServer.Hooks;
using Collab.SyncServer.Telemetry;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace Collab.SyncServer.Hosting;

/// <summary>
/// Runs onConfigure and onListen at start, and on stop (SIGTERM) sends every Hocuspocus document connection an in-band
/// CLOSE and closes every socket (1001), stores every document
/// (retrying failed stores until <see cref="SyncServerOptions.ShutdownTimeout"/>), unloads them and runs onDestroy.
/// </summary>
internal sealed class SyncServerLifetime(
    IOptions<SyncServerOptions> options,
    HookChain hooks,
    DocumentRegistry registry,
    SessionTracker sessions,
    IServer server,
    IOptions<AuthOptions> auth,
    IServiceProvider services,
    ILogger<SyncServerLifetime> logger) : IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StartAsync(CancellationToken cancellationToken) =>
        await hooks.RunAsync("onConfigure", new OnConfigurePayload { Services = services, Options = options.Value }, static (x, p) => x.OnConfigure(p)).ConfigureAwait(false);

    public async Task StartedAsync(CancellationToken cancellationToken)
    {
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses.ToList() ?? [];
        foreach (var address in addresses)
        {
            var (hocuspocus, ywebsocket, health) = EditorAddresses.For(address, options.Value);
            logger.Ready(hocuspocus, ywebsocket, health);
        }

        if (auth.Value.Jwt.IsConfigured)
        {
            logger.AuthenticationOn(auth.Value.Required ? "clients without a valid token are refused" : "clients without a token may read, never write");
        }
        else
        {
            logger.AuthenticationOff();
        }

        await hooks.RunAsync("onListen", new OnListenPayload { Services = services, Options = options.Value, Addresses = addresses }, static (x, p) => x.OnListen(p)).ConfigureAwait(false);
    }

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        registry.BeginShutdown();
        var open = sessions.Snapshot;
        logger.ShuttingDown(registry.Count, open.Count);
        foreach (var session in open)
        {
            // like the reference's destroy(): every document connection first gets an in-band CLOSE "Reset Connection";
            // then the socket closes with 1001 after what is queued, and providers reconnect (to another replica)
            if (session is HocuspocusSession hocuspocus)
            {
                hocuspocus.SendCloseToAll("Reset Connection");
            }

            session.Terminate(CloseCodes.GoingAway, "Server shutting down", null, discardQueued: false);
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(options.Value.ShutdownTimeout);
        while (sessions.Count > 0 && !deadline.IsCancellationRequested)
        {
            await Task.Delay(10, CancellationToken.None).ConfigureAwait(false);
        }

        await registry.ShutdownAsync(deadline.Token).ConfigureAwait(false);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
