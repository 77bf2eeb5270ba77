using Collab.SyncServer.Connections;
using Collab.SyncServer.Documents;
using Collab.SyncServer.Hooks;
using Collab.SyncServer.Telemetry;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace Collab.SyncServer.Hosting;

/// <summary>
/// Runs onConfigure and onListen at start, and on stop (SIGTERM) closes every socket, stores every document
/// (retrying failed stores until <see cref="SyncServerOptions.ShutdownTimeout"/>), unloads them and runs onDestroy.
/// </summary>
internal sealed class SyncServerLifetime(
    IOptions<SyncServerOptions> options,
    HookChain hooks,
    DocumentRegistry registry,
    SessionTracker sessions,
    IServer server,
    IServiceProvider services,
    ILogger<SyncServerLifetime> logger) : IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StartAsync(CancellationToken cancellationToken) =>
        await hooks.RunAsync("onConfigure", new OnConfigurePayload { Services = services, Options = options.Value }, static (x, p) => x.OnConfigure(p)).ConfigureAwait(false);

    public async Task StartedAsync(CancellationToken cancellationToken)
    {
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses.ToList() ?? [];
        await hooks.RunAsync("onListen", new OnListenPayload { Services = services, Options = options.Value, Addresses = addresses }, static (x, p) => x.OnListen(p)).ConfigureAwait(false);
    }

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        registry.BeginShutdown();
        var open = sessions.Snapshot;
        logger.ShuttingDown(registry.Count, open.Count);
        foreach (var session in open)
        {
            // providers reconnect (to another replica) after a close; their document connections close with the socket
            session.Terminate(CloseCodes.GoingAway, "Server shutting down", null);
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
