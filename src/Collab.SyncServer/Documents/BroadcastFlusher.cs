namespace Collab.SyncServer.Documents;

/// <summary>
/// Flushes the documents' broadcast buffers on one cadence for the whole server when
/// <see cref="SyncServerOptions.FlushDelay"/> is positive (protocol.md §7.9): a document with something to send
/// registers once per window, and one thread wakes once per <c>FlushDelay</c> — not once per document and window —
/// to send every registered document's merged updates. The thread sleeps while nothing is pending. Under continuous
/// editing this turns several small messages per client into one, which is where a fan-out server spends its CPU
/// (a loopback or LAN send costs the sender the receiver's wake-up as well).
/// </summary>
internal sealed class BroadcastFlusher : IDisposable
{
    private readonly System.Collections.Concurrent.ConcurrentQueue<DocumentBroadcaster> _due = new();
    private readonly SemaphoreSlim _signal = new(0);
    private readonly CancellationTokenSource _stop = new();
    private readonly TimeSpan _delay;
    private Thread? _thread;
    private int _armed;

    public BroadcastFlusher(Microsoft.Extensions.Options.IOptions<SyncServerOptions> options) => _delay = options.Value.FlushDelay;

    /// <summary>Flushes <paramref name="broadcaster"/> at the next tick (at most <c>FlushDelay</c> from now).</summary>
    public void Schedule(DocumentBroadcaster broadcaster)
    {
        if (_thread is null)
        {
            lock (_due)
            {
                _thread ??= StartThread();
            }
        }

        _due.Enqueue(broadcaster);
        if (Interlocked.Exchange(ref _armed, 1) == 0)
        {
            _signal.Release();
        }
    }

    private Thread StartThread()
    {
        var thread = new Thread(Run) { IsBackground = true, Name = "Collab broadcast flusher" };
        thread.Start();
        return thread;
    }

    private void Run()
    {
        try
        {
            while (true)
            {
                _signal.Wait(_stop.Token);
                _stop.Token.WaitHandle.WaitOne(_delay);
                Volatile.Write(ref _armed, 0);
                while (_due.TryDequeue(out var broadcaster))
                {
                    broadcaster.FlushLogged();
                }
            }
        }
        catch (OperationCanceledException)
        {
            // disposed: whatever is still registered is flushed by the documents themselves when they unload
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        while (_due.TryDequeue(out var broadcaster))
        {
            broadcaster.FlushLogged();
        }
    }
}
