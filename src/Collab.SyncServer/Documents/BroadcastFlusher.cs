using System.Diagnostics;

namespace Collab.SyncServer.Documents;

/// <summary>Something the <see cref="BroadcastFlusher"/> flushes when its window ends.</summary>
internal interface IFlushable
{
    /// <summary>Sends what was buffered; never throws.</summary>
    void FlushLogged();
}

/// <summary>
/// Ends the documents' broadcast windows when <see cref="SyncServerOptions.FlushDelay"/> is positive (protocol.md
/// §7.9): the first buffered change of a document opens its window, and one thread for the whole server flushes
/// each document when its own window ends — not at a shared tick, which would cut windows short (a change made just
/// before the tick leaves at once and the next one opens another window) and send more messages for the same
/// latency bound. All windows have the same length, so the registrations are due in the order they arrive and a
/// queue is the whole schedule. The thread sleeps until the oldest window ends and sleeps without a timeout while
/// nothing is pending.
/// </summary>
/// <remarks>
/// Windows that end within <see cref="Slack"/> of each other are flushed in one wake-up (up to that much early), so the
/// thread wakes at most about once per <see cref="Slack"/> however many documents are edited.
/// </remarks>
internal sealed class BroadcastFlusher : IDisposable
{
    /// <summary>How much earlier than its end a window may be flushed to share a wake-up with one that ends first.</summary>
    public static readonly TimeSpan Slack = TimeSpan.FromMilliseconds(1);

    private readonly System.Collections.Concurrent.ConcurrentQueue<(IFlushable Item, long Due)> _due = new();
    private readonly SemaphoreSlim _signal = new(0);
    private readonly CancellationTokenSource _stop = new();
    private readonly long _delay;
    private readonly long _slack;
    private Thread? _thread;
    private int _sleeping;

    public BroadcastFlusher(Microsoft.Extensions.Options.IOptions<SyncServerOptions> options)
        : this(options.Value.FlushDelay)
    {
    }

    internal BroadcastFlusher(TimeSpan delay)
    {
        _delay = (long)(delay.TotalSeconds * Stopwatch.Frequency);
        _slack = (long)(Slack.TotalSeconds * Stopwatch.Frequency);
    }

    /// <summary>Flushes <paramref name="item"/> when the window it opens now ends (<c>FlushDelay</c> from now).</summary>
    public void Schedule(IFlushable item)
    {
        if (_thread is null)
        {
            lock (_due)
            {
                _thread ??= StartThread();
            }
        }

        _due.Enqueue((item, Stopwatch.GetTimestamp() + _delay));
        if (Volatile.Read(ref _sleeping) == 1 && Interlocked.Exchange(ref _sleeping, 0) == 1)
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
                if (!_due.TryPeek(out var head))
                {
                    // announce the sleep, then look again: a registration made in between either sees the flag
                    // (and releases the semaphore) or is seen here
                    Interlocked.Exchange(ref _sleeping, 1);
                    if (_due.IsEmpty)
                    {
                        _signal.Wait(_stop.Token);
                    }
                    else if (Interlocked.Exchange(ref _sleeping, 0) == 0)
                    {
                        _signal.Wait(_stop.Token); // a registration took the flag and released: consume it
                    }

                    continue;
                }

                var wait = head.Due - _slack - Stopwatch.GetTimestamp();
                if (wait > 0)
                {
                    var milliseconds = (int)Math.Ceiling(wait * 1000.0 / Stopwatch.Frequency);
                    if (_stop.Token.WaitHandle.WaitOne(milliseconds))
                    {
                        return;
                    }

                    continue;
                }

                var until = Stopwatch.GetTimestamp() + _slack;
                while (_due.TryPeek(out var next) && next.Due <= until && _due.TryDequeue(out next))
                {
                    next.Item.FlushLogged();
                }
            }
        }
        catch (OperationCanceledException)
        {
            // disposed: whatever is still registered is flushed by Dispose
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        while (_due.TryDequeue(out var registered))
        {
            registered.Item.FlushLogged();
        }
    }
}
