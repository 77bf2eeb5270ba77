using Collab.SyncServer.Hooks;
using Collab.SyncServer.Hosting;
using Collab.Tests.Support;
using Microsoft.Extensions.Hosting;

namespace Collab.Tests.SyncServer.E2E;

/// <summary>
/// Collab.SyncServer in this process (real Kestrel on a free loopback port), set up like Program.cs (built-in
/// extensions, SQLite in a temporary folder) plus the <see cref="ScenarioHooks"/>.
/// </summary>
internal sealed class InProcessServer(LoopbackApp app, TemporaryFolder folder) : IAsyncDisposable
{
    /// <summary>The Hocuspocus endpoint (ws://127.0.0.1:port); y-websocket clients use {Address}/yws/{room}.</summary>
    public Uri Address { get; } = new($"ws://127.0.0.1:{app.Address.Port}");

    /// <summary>
    /// Starts the server; <paramref name="configuration"/> adds settings, and <paramref name="checkTokens"/> false leaves
    /// tokens to the server's own authentication.
    /// </summary>
    public static async Task<InProcessServer> StartAsync(CancellationToken cancellationToken, IDictionary<string, string?>? configuration = null, bool checkTokens = true)
    {
        var folder = new TemporaryFolder();
        var settings = new Dictionary<string, string?>(configuration ?? new Dictionary<string, string?>())
        {
            ["Collab:Sqlite:Path"] = folder.File("collab.db"),
        };
        try
        {
            var app = await LoopbackApp.StartAsync(
                builder =>
                {
                    builder.AddCollabSyncServer();
                    builder.AddCollabBuiltInExtensions();
                    builder.Services.AddCollabExtension(new ScenarioHooks(checkTokens));
                },
                app => app.MapCollabSyncServer(),
                settings,
                cancellationToken);
            return new InProcessServer(app, folder);
        }
        catch
        {
            folder.Dispose();
            throw;
        }
    }

    /// <summary>Runs a scenario program against this server and fails the test unless it passed.</summary>
    public async Task RunAsync(string script, CancellationToken cancellationToken, params string[] arguments) =>
        (await NodeScenario.RunAsync(script, Address, TimeSpan.FromSeconds(90), cancellationToken, arguments)).AssertPassed(app.Log);

    public async ValueTask DisposeAsync()
    {
        await app.DisposeAsync();
        folder.Dispose();
    }
}
