using Collab.LoadGen.Reports;
using Collab.LoadGen.Scenarios;

namespace Collab.LoadGen.Servers;

/// <summary>What a replica needs to reach the others: the shared broker's address and its own id.</summary>
/// <param name="BrokerAddress">The broker.</param>
/// <param name="Id">The replica's id.</param>
/// <param name="WorkerUrl">The persistence worker the replica loads through (and leaves storing to), or null.</param>
internal sealed record ReplicaLink(string BrokerAddress, string Id, Uri? WorkerUrl = null);

/// <summary>
/// The servers of one run: a single server, or N replicas of one kind sharing a broker (Hocuspocus: one
/// redis-server and @hocuspocus/extension-redis; Collab: the Kafka test cluster and its Kafka relay). Disposing
/// stops every replica, then the broker, by PID.
/// </summary>
internal sealed class ReplicaSet : IAsyncDisposable
{
    private readonly IReadOnlyList<ServerProcess> _servers;
    private readonly BrokerProcess? _broker;
    private readonly WorkerProcess? _worker;

    private ReplicaSet(IReadOnlyList<ServerProcess> servers, BrokerProcess? broker, ServerTarget target, WorkerProcess? worker = null)
    {
        _servers = servers;
        _broker = broker;
        _worker = worker;
        Target = target;
    }

    public ServerTarget Target { get; }

    /// <summary>The name of <paramref name="kind"/>'s setup with <paramref name="replicas"/> replicas, as the report shows it.</summary>
    public static string NameOf(ServerKind kind, int replicas) => (kind, replicas > 1) switch
    {
        (ServerKind.Collab, false) => "Collab",
        (ServerKind.Collab, true) => $"Collab ×{replicas} + Kafka",
        (_, false) => "Hocuspocus",
        (_, true) => $"Hocuspocus ×{replicas} + Redis",
    };

    public static async Task<ReplicaSet> StartAsync(ServerKind kind, int replicas, LaunchSettings settings, TextWriter log, CancellationToken cancellationToken)
    {
        if (replicas <= 1)
        {
            var single = await ServerProcess.StartAsync(kind, settings, log, cancellationToken);
            return new ReplicaSet([single], null, single.Target);
        }

        var broker = await BrokerProcess.StartAsync(kind, settings, log, cancellationToken);
        var servers = new List<ServerProcess>();
        WorkerProcess? worker = null;
        try
        {
            if (kind == ServerKind.Collab && settings.Worker)
            {
                worker = await WorkerProcess.StartAsync(settings, broker.Address, log, cancellationToken);
            }

            for (var i = 0; i < replicas; i++)
            {
                servers.Add(await ServerProcess.StartAsync(kind, settings, log, cancellationToken, new ReplicaLink(broker.Address, $"replica-{i}", worker?.Address)));
            }
        }
        catch
        {
            await DisposeAllAsync(servers, broker, worker);
            throw;
        }

        var name = NameOf(kind, replicas) + (worker is null ? "" : " + worker");
        var target = new ServerTarget(name, servers[0].Target.WebSocketUri, servers[0].Target.ProcessId)
        {
            Replicas = [.. servers.Select(s => s.Target.WebSocketUri)],
            // the worker's CPU is part of Collab's cost per delivered update
            ProcessIds = [.. servers.Select(s => s.Target.ProcessId), .. worker is null ? Array.Empty<int>() : [worker.ProcessId]],
            Broker = new BrokerTarget(broker.Name, broker.ProcessId),
        };
        return new ReplicaSet(servers, broker, target, worker);
    }

    /// <summary>
    /// Stops the servers gracefully. A single Collab server also adds the figures of the database it left
    /// (<see cref="ServerProcess.StopAndMeasureAsync"/>); replicas have one database each and add none.
    /// </summary>
    public async Task StopAndMeasureAsync(ScenarioResult result, TextWriter log)
    {
        if (_servers.Count == 1 && _broker is null)
        {
            await _servers[0].StopAndMeasureAsync(result, log);
            return;
        }

        await Task.WhenAll(_servers.Select(s => s.StopAsync()));
        if (_worker is not null)
        {
            // a graceful stop writes everything out: the figures of what the worker stored
            await _worker.StopAndMeasureAsync(result, log);
        }
    }

    public ValueTask DisposeAsync() => DisposeAllAsync(_servers, _broker, _worker);

    private static async ValueTask DisposeAllAsync(IReadOnlyList<ServerProcess> servers, BrokerProcess? broker, WorkerProcess? worker = null)
    {
        try
        {
            await Task.WhenAll(servers.Select(s => s.DisposeAsync().AsTask()));
            if (worker is not null)
            {
                await worker.DisposeAsync();
            }
        }
        finally
        {
            if (broker is not null)
            {
                await broker.DisposeAsync();
            }
        }
    }
}
