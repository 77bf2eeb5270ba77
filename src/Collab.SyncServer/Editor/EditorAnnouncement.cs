using Collab.SyncServer.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace Collab.SyncServer.Editor;

/// <summary>Says at start where the editor page is (or why it is missing), beside the "Collab is ready" line.</summary>
internal sealed partial class EditorAnnouncement(
    IServer server,
    EditorAssets assets,
    IOptions<EditorOptions> options,
    IOptions<SyncServerOptions> syncOptions,
    ILogger<EditorAnnouncement> logger) : IHostedLifecycleService
{
    public Task StartedAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.Enabled)
        {
            return Task.CompletedTask;
        }

        if (!assets.IsBuilt)
        {
            LogNotBuilt(logger);
            return Task.CompletedTask;
        }

        foreach (var address in server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [])
        {
            var (_, _, health) = EditorAddresses.For(address, syncOptions.Value);
            LogReady(logger, health[..^"/health".Length] + options.Value.Path.TrimEnd('/') + "/");
        }

        return Task.CompletedTask;
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 1600, Level = LogLevel.Information, Message = "Editor page: {EditorUrl}")]
    private static partial void LogReady(ILogger logger, string editorUrl);

    [LoggerMessage(EventId = 1601, Level = LogLevel.Warning, Message = "The editor page was not built (no Node.js at build time): /editor/ explains how to build it")]
    private static partial void LogNotBuilt(ILogger logger);
}
