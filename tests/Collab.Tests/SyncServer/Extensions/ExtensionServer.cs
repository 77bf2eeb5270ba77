using Collab.SyncServer.Hooks;
using Collab.SyncServer.Hosting;
using Collab.Tests.SyncServer.Support;
using Collab.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Collab.Tests.SyncServer.Extensions;

/// <summary>A real sync server on loopback with the built-in extensions and the API, configured like Program.cs.</summary>
internal sealed class ExtensionServer(LoopbackApp app) : IAsyncDisposable
{
    public LoopbackApp App { get; } = app;

    public Uri HocuspocusUri => new($"ws://{App.Address.Authority}/");

    public CollabServer Server => App.Services.GetRequiredService<CollabServer>();

    public HttpClient CreateHttpClient() => new() { BaseAddress = App.Address, Timeout = TimeSpan.FromSeconds(15) };

    public static async Task<ExtensionServer> StartAsync(
        string sqlitePath, IDictionary<string, string?>? configuration = null, TimeProvider? timeProvider = null, IEnumerable<ICollabExtension>? extensions = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Collab:SyncServer:Debounce"] = "00:00:00.050",
            ["Collab:SyncServer:MaxDebounce"] = "00:00:00.200",
            ["Collab:Sqlite:Path"] = sqlitePath,
        };
        foreach (var (key, value) in configuration ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        var app = await LoopbackApp.StartAsync(
            b =>
            {
                if (timeProvider is not null)
                {
                    b.Services.AddSingleton(timeProvider);
                }

                b.AddServiceDefaults();
                b.AddCollabSyncServer();
                b.AddCollabBuiltInExtensions();
                foreach (var extension in extensions ?? [])
                {
                    b.Services.AddCollabExtension(extension);
                }
            },
            a =>
            {
                a.MapCollabSyncServer();
                a.MapCollabApi();
            },
            settings,
            TestContext.Current.CancellationToken);
        return new ExtensionServer(app);
    }

    public Task<ProtocolClient> ConnectAsync() => ProtocolClient.ConnectAsync(HocuspocusUri);

    public ValueTask DisposeAsync() => App.DisposeAsync();
}
