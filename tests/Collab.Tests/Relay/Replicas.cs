using Collab.Relay;
using Collab.Relay.InProcess;
using Collab.SyncServer.Hooks;
using Collab.SyncServer.Hosting;
using Collab.SyncServer.Relay;
using Collab.Tests.SyncServer.E2E;
using Collab.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Collab.Tests.Relay;

/// <summary>
/// Several Collab.SyncServer replicas in this process (real Kestrel on loopback, SQLite each, the scenario hooks), sharing
/// one relay: an in-process hub, Kafka or Redis, as the configuration says. Each replica's identifier is <c>replica-{i}</c>.
/// </summary>
internal sealed class Replicas : IAsyncDisposable
{
    private readonly List<(LoopbackApp App, TemporaryFolder Folder)> _replicas = [];

    public IReadOnlyList<LoopbackApp> Apps => [.. _replicas.Select(r => r.App)];

    public IReadOnlyList<Uri> Addresses => [.. _replicas.Select(r => new Uri($"ws://127.0.0.1:{r.App.Address.Port}"))];

    /// <summary>Every replica's log, for failure messages.</summary>
    public string Logs => string.Join("\n", _replicas.Select((r, i) => $"--- replica-{i} ---\n{r.App.Log.Text}"));

    public static async Task<Replicas> StartAsync(int count, IDictionary<string, string?> relay, InProcessRelayHub? hub = null, CancellationToken cancellationToken = default)
    {
        var replicas = new Replicas();
        try
        {
            // in parallel: a Kafka replica's consumer group takes seconds to form
            var started = await Task.WhenAll(Enumerable.Range(0, count).Select(i => StartReplicaAsync(i, relay, hub, cancellationToken)));
            replicas._replicas.AddRange(started);
            return replicas;
        }
        catch
        {
            await replicas.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts replica number <paramref name="index"/> (again, after <see cref="StopAsync"/>, on a new port).</summary>
    public async Task AddAsync(int index, IDictionary<string, string?> relay, InProcessRelayHub? hub, CancellationToken cancellationToken) =>
        _replicas.Add(await StartReplicaAsync(index, relay, hub, cancellationToken));

    private static async Task<(LoopbackApp App, TemporaryFolder Folder)> StartReplicaAsync(int index, IDictionary<string, string?> relay, InProcessRelayHub? hub, CancellationToken cancellationToken)
    {
        var folder = new TemporaryFolder();
        var settings = new Dictionary<string, string?>(relay)
        {
            ["Collab:Sqlite:Path"] = folder.File("collab.db"),
            ["Collab:Relay:Identifier"] = $"replica-{index}",
            ["Collab:Relay:HeartbeatInterval"] = "00:00:00.500",
            ["Collab:Relay:PeerTimeout"] = "00:00:03",
        };
        var app = await LoopbackApp.StartAsync(
            builder =>
            {
                builder.AddCollabSyncServer();
                builder.AddCollabBuiltInExtensions();
                if (hub is not null)
                {
                    builder.Services.AddSingleton(hub);
                }

                builder.AddCollabRelay();
                builder.Services.AddCollabExtension(new ScenarioHooks(checkTokens: true));
            },
            app => app.MapCollabSyncServer(),
            settings,
            cancellationToken);
        return (app, folder);
    }

    /// <summary>Waits until every replica sees every other one as a live peer.</summary>
    public async Task WaitForPeersAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!_replicas.All(r => r.App.Services.GetRequiredService<RelayService>().LivePeers.Count >= _replicas.Count - 1))
        {
            Assert.True(DateTime.UtcNow < deadline, $"replicas did not see each other within {timeout}\n{Logs}");
            await Task.Delay(50, cancellationToken);
        }
    }

    /// <summary>Stops replica <paramref name="index"/> gracefully (it says goodbye to its peers); the others keep running.</summary>
    public async Task StopAsync(int index)
    {
        await _replicas[index].App.DisposeAsync();
    }

    public IRelayBus Bus(int index) => _replicas[index].App.Services.GetRequiredService<IRelayBus>();

    /// <summary>Runs <c>tests/js/relay/replicas.mjs --case {case}</c> against every replica and fails the test unless it passed.</summary>
    public async Task RunAsync(string @case, CancellationToken cancellationToken)
    {
        var urls = string.Join(',', Addresses.Select(a => a.ToString().TrimEnd('/')));
        var result = await NodeScenario.RunAsync("../relay/replicas.mjs", Addresses[0], TimeSpan.FromSeconds(90), cancellationToken, "--urls", urls, "--case", @case);
        if (!result.Ok)
        {
            result.AssertPassed(CombinedLog());
        }
    }

    private TestLog? CombinedLog() => _replicas.Count > 0 ? _replicas[0].App.Log : null;

    public async ValueTask DisposeAsync()
    {
        foreach (var (app, folder) in _replicas)
        {
            await app.DisposeAsync();
            folder.Dispose();
        }

        _replicas.Clear();
    }
}
