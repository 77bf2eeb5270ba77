using Collab.SyncServer.Hooks;
using Collab.SyncServer.Hosting;
using Collab.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Collab.Tests.SyncServer.Support;

/// <summary>A real sync server on a loopback port with the given extensions and options.</summary>
internal sealed class SyncServerHost(LoopbackApp app) : IAsyncDisposable
{
    public LoopbackApp App { get; } = app;

    public Uri HocuspocusUri => new($"ws://{App.Address.Authority}/");

    public Uri YWebsocketUri(string document) => new($"ws://{App.Address.Authority}/yws/{document}");

    public CollabServer Server => App.Services.GetRequiredService<CollabServer>();

    public static async Task<SyncServerHost> StartAsync(
        IDictionary<string, string?>? options = null,
        Action<IServiceCollection>? services = null,
        params ICollabExtension[] extensions)
    {
        var configuration = new Dictionary<string, string?>
        {
            ["Collab:SyncServer:Debounce"] = "00:00:00.050",
            ["Collab:SyncServer:MaxDebounce"] = "00:00:00.200",
        };
        foreach (var (key, value) in options ?? new Dictionary<string, string?>())
        {
            configuration[key.Contains(':', StringComparison.Ordinal) ? key : "Collab:SyncServer:" + key] = value;
        }

        var app = await LoopbackApp.StartAsync(
            b =>
            {
                b.AddCollabSyncServer();
                foreach (var extension in extensions)
                {
                    b.Services.AddCollabExtension(extension);
                }

                services?.Invoke(b.Services);
            },
            a => a.MapCollabSyncServer(),
            configuration,
            TestContext.Current.CancellationToken);
        return new SyncServerHost(app);
    }

    public async Task<ProtocolClient> ConnectAsync(string? query = null)
    {
        var uri = query is null ? HocuspocusUri : new Uri(HocuspocusUri + "?" + query);
        return await ProtocolClient.ConnectAsync(uri);
    }

    public ValueTask DisposeAsync() => App.DisposeAsync();
}
