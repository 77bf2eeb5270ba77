using System.Diagnostics;
using Collab.SyncServer.Protocol;
using Collab.Tests.SyncServer.Support;
using Collab.Yjs;
using Collab.Yjs.Protocols;

namespace Collab.Tests.SyncServer.Hostile;

/// <summary>
/// Two honest clients editing one document while a hostile one attacks the server: they take turns inserting a
/// character every <see cref="Interval"/>, and each insert's time until the other client receives it is recorded.
/// <see cref="StopAsync"/> ends the edits and checks that both documents converged.
/// </summary>
internal sealed class HonestPair : IAsyncDisposable
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(50);

    private const string Document = "honest";
    private readonly ProtocolClient[] _clients;
    private readonly Doc[] _docs = [new(new DocOptions { ClientId = 101 }), new(new DocOptions { ClientId = 102 })];
    private readonly List<double> _latencies = [];
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;

    private HonestPair(ProtocolClient a, ProtocolClient b) => _clients = [a, b];

    /// <summary>Deliveries so far.</summary>
    public int Count
    {
        get
        {
            lock (_latencies)
            {
                return _latencies.Count;
            }
        }
    }

    /// <summary>All latencies so far, for a failure message.</summary>
    public string Describe()
    {
        lock (_latencies)
        {
            return string.Join(", ", _latencies.Select(l => l.ToString("0", System.Globalization.CultureInfo.InvariantCulture)));
        }
    }

    public static async Task<HonestPair> StartAsync(SyncServerHost host)
    {
        var pair = new HonestPair(await host.ConnectAsync(), await host.ConnectAsync());
        foreach (var client in pair._clients)
        {
            await client.JoinAsync(Document);
        }

        pair._loop = Task.Run(pair.RunAsync);
        // warmed up (JIT, first windows) before the attack starts
        while (pair.Count < 6)
        {
            Assert.False(pair._loop.IsCompleted, "the honest pair stopped before the attack began");
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }

        lock (pair._latencies)
        {
            pair._latencies.Clear();
        }

        return pair;
    }

    private async Task RunAsync()
    {
        for (var turn = 0; !_stop.IsCancellationRequested; turn++)
        {
            var (from, to) = (turn % 2, 1 - (turn % 2));
            var before = _docs[from].EncodeStateVector();
            _docs[from].GetText("t").Insert(0, ((char)('a' + (turn % 26))).ToString());
            var update = _docs[from].EncodeStateAsUpdate(before);
            var sent = Stopwatch.GetTimestamp();
            await _clients[from].SendAsync(Messages.Update(Document, update));
            // the other client receives it (a slow server shows here; 10 s without it fails the test)
            var received = await _clients[to].WaitForAsync(
                m => m.Address == Document && m.Type == MessageType.Sync && m.ReadSync().Type == SyncMessageType.Update
                     && ContainsChange(m.ReadSync().Payload, _docs[from].ClientId, turn),
                TimeSpan.FromSeconds(10));
            lock (_latencies)
            {
                _latencies.Add(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
            }

            _docs[to].ApplyUpdate(received.ReadSync().Payload);
            try
            {
                await Task.Delay(Interval, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Whether <paramref name="update"/> carries the change the sender made at its <paramref name="turn"/> (its clock turn / 2).</summary>
    private static bool ContainsChange(byte[] update, long client, int turn) =>
        YUpdates.ParseUpdateMeta(update).To.TryGetValue(client, out var end) && end > turn / 2;

    /// <summary>Stops editing; the pair's documents must have converged (each has every change).</summary>
    public async Task<(double P99, double Max, int Count)> StopAsync()
    {
        // a few more deliveries first: the attack may have ended before the pair's next turn
        for (var target = Count + 5; Count < target;)
        {
            Assert.False(_loop!.IsCompleted, "the honest pair stopped");
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }

        await _stop.CancelAsync();
        await _loop!.WaitAsync(TimeSpan.FromSeconds(30));
        // and after the edits stop, both have everything (the last turn's update reached the other side already)
        Assert.Equal(_docs[0].GetText("t").ToString(), _docs[1].GetText("t").ToString());
        lock (_latencies)
        {
            var sorted = _latencies.Order().ToList();
            Assert.NotEmpty(sorted);
            return (sorted[(int)Math.Ceiling(sorted.Count * 0.99) - 1], sorted[^1], sorted.Count);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_loop is not null)
        {
            await Task.WhenAny(_loop, Task.Delay(TimeSpan.FromSeconds(5)));
        }

        foreach (var client in _clients)
        {
            await client.DisposeAsync();
        }

        _stop.Dispose();
    }
}
