using System.Diagnostics;
using Collab.LoadGen.Clients;
using Collab.LoadGen.Measurement;

namespace Collab.LoadGen.Scenarios;

/// <summary>All clients of a run: connects them with bounded concurrency and closes them all at the end.</summary>
internal sealed class ClientFleet(RunMetrics metrics) : IAsyncDisposable
{
    private readonly List<SyncClient> _clients = [];

    public IReadOnlyList<SyncClient> Clients => _clients;

    public IEnumerable<SyncClient> Synced => _clients.Where(c => c.IsSynced);

    public void Add(SyncClient client) => _clients.Add(client);

    /// <summary>
    /// Connects every client to its replica's address in <paramref name="replicas"/> (at most
    /// <paramref name="concurrency"/> handshakes at once); returns the elapsed time.
    /// </summary>
    public async Task<TimeSpan> ConnectAllAsync(IReadOnlyList<Uri> replicas, int concurrency, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        using var gate = new SemaphoreSlim(Math.Max(1, concurrency));
        await Task.WhenAll(_clients.Select(async client =>
        {
            await gate.WaitAsync(cancellationToken);
            try
            {
                await client.ConnectAsync(replicas[client.Replica], cancellationToken);
                metrics.CountConnected(1);
            }
            catch (HandshakeException error)
            {
                if (!error.Counted)
                {
                    metrics.Errors.Add(error.Kind);
                }
            }
            finally
            {
                gate.Release();
            }
        }));
        return watch.Elapsed;
    }

    public async ValueTask DisposeAsync()
    {
        // Close in slices so ten thousand closing handshakes do not all queue at once.
        foreach (var slice in _clients.Chunk(500))
        {
            await Task.WhenAll(slice.Select(client => client.DisposeAsync().AsTask()));
        }

        _clients.Clear();
    }
}
