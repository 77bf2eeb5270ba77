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
/// latency bound. All windows of a lane have the same length, so its registrations are due in the order they arrive and a
/// queue is the whole schedule. The thread sleeps until the oldest registration of any lane is due (woken early
/// only by a registration due before that) and without a timeout while nothing is pending.
/// </summary>
/// <remarks>
/// <para>
/// Windows that end within <see cref="Slack"/> of each other are flushed in one wake-up (up to that much early), so the
/// thread wakes at most about once per <see cref="Slack"/> however many documents are edited.
/// </para>
/// <para>
/// A second lane, with its own fixed delay, holds sockets whose only news in a window was the echo of their own
/// update (<see cref="SyncServerOptions.EchoDelay"/>): the echo waits there for the socket's next message instead of
/// costing a send of its own.
/// </para>
/// <para>
/// A third lane holds the windows changes from the relay open (<see cref="SyncServerOptions.RelayFlushDelay"/>).
/// </para>
/// <para>
/// A fourth lane is due at once (<see cref="ScheduleNow"/>): acknowledgements released together on another thread.
/// </para>
/// </remarks>
internal sealed class BroadcastFlusher : IDisposable
{
    /// <summary>How much earlier than its end a window may be flushed to share a wake-up with one that ends first.</summary>
    public static readonly TimeSpan Slack = TimeSpan.FromMilliseconds(1);

    private readonly System.Collections.Concurrent.ConcurrentQueue<(IFlushable Item, long Due)> _due = new();
    private readonly System.Collections.Concurrent.ConcurrentQueue<(IFlushable Item, long Due)> _echoes = new();
    private readonly System.Collections.Concurrent.ConcurrentQueue<(IFlushable Item, long Due)> _relayed = new();
    private readonly System.Collections.Concurrent.ConcurrentQueue<(IFlushable Item, long Due)> _now = new();
    private readonly ManualResetEventSlim _signal = new(false, spinCount: 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly long _delay;
    private readonly long _echoDelay;
    private readonly long _relayDelay;
    private readonly long _slack;
    private readonly bool _batchedSends;
    private Thread? _thread;
    private int _sleeping;
    private long _wakeAt = long.MaxValue; // when the sleeping thread means to wake (long.MaxValue: when woken)

    public BroadcastFlusher(Microsoft.Extensions.Options.IOptions<SyncServerOptions> options)
        : this(options.Value.FlushDelay, options.Value.EchoDelay, options.Value.DirectSocketWrites && options.Value.BatchedSocketSends, options.Value.EffectiveRelayFlushDelay)
    {
    }

    internal BroadcastFlusher(TimeSpan delay, TimeSpan echoDelay, bool batchedSends = false, TimeSpan? relayDelay = null)
    {
        _batchedSends = batchedSends;
        _delay = (long)(delay.TotalSeconds * Stopwatch.Frequency);
        _echoDelay = (long)(echoDelay.TotalSeconds * Stopwatch.Frequency);
        _relayDelay = (long)((relayDelay ?? delay).TotalSeconds * Stopwatch.Frequency);
        _slack = (long)(Slack.TotalSeconds * Stopwatch.Frequency);
    }

    /// <summary>Flushes <paramref name="item"/> when the window it opens now ends (<c>FlushDelay</c> from now); returns when that is.</summary>
    public long Schedule(IFlushable item) => Add(_due, item, _delay);

    /// <summary>Flushes <paramref name="item"/> when the window a relayed change opens now ends (<c>RelayFlushDelay</c> from now); returns when that is.</summary>
    public long ScheduleRelayed(IFlushable item) => Add(_relayed, item, _relayDelay);

    /// <summary>When a window <see cref="ScheduleRelayed"/> opened now would end.</summary>
    public long RelayedDueFromNow() => Stopwatch.GetTimestamp() + _relayDelay;

    /// <summary>
    /// Flushes <paramref name="item"/> (a socket holding a deferred echo) <see cref="SyncServerOptions.EchoDelay"/>
    /// from now, unless something it sends earlier takes the echo along.
    /// </summary>
    public void ScheduleEcho(IFlushable item) => Add(_echoes, item, _echoDelay);

    /// <summary>
    /// Flushes <paramref name="item"/> at the thread's next wake-up, which this call brings forward to now: sends that
    /// become due together on other threads (the acknowledgements one log commit releases) leave from this thread with
    /// one system call, instead of one thread-pool hop and one send call each.
    /// </summary>
    public void ScheduleNow(IFlushable item) => Add(_now, item, 0);

    private long Add(System.Collections.Concurrent.ConcurrentQueue<(IFlushable Item, long Due)> lane, IFlushable item, long delay)
    {
        if (_thread is null)
        {
            lock (_due)
            {
                _thread ??= StartThread();
            }
        }

        var due = Stopwatch.GetTimestamp() + delay;
        lane.Enqueue((item, due));
        // wake the thread only when this registration is due before the thread means to wake (another lane's
        // head, or never): in its own lane a registration is never due before the ones ahead of it
        if (Volatile.Read(ref _sleeping) == 1 && due < Volatile.Read(ref _wakeAt) && Interlocked.Exchange(ref _sleeping, 0) == 1)
        {
            _signal.Set();
        }

        return due;
    }

    /// <summary>When the earliest registration of any lane is due; false when all are empty.</summary>
    private bool TryPeekDue(out long due)
    {
        var any = false;
        due = long.MaxValue;
        if (_due.TryPeek(out var window))
        {
            due = window.Due;
            any = true;
        }

        if (_echoes.TryPeek(out var echo))
        {
            due = Math.Min(due, echo.Due);
            any = true;
        }

        if (_relayed.TryPeek(out var relayed))
        {
            due = Math.Min(due, relayed.Due);
            any = true;
        }

        if (_now.TryPeek(out var immediate))
        {
            due = Math.Min(due, immediate.Due);
            any = true;
        }

        return any;
    }

    private static void FlushDue(System.Collections.Concurrent.ConcurrentQueue<(IFlushable Item, long Due)> lane, long until)
    {
        while (lane.TryPeek(out var next) && next.Due <= until && lane.TryDequeue(out next))
        {
            next.Item.FlushLogged();
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
        // the sends of one wake-up leave with one system call where io_uring is available (SendBatch)
        // (null where io_uring is refused: then each send is its own call)
        using var batch = _batchedSends ? Connections.WebSockets.SendBatch.TryCreate(out _) : null;

        try
        {
            while (true)
            {
                var now = Stopwatch.GetTimestamp();
                if (!TryPeekDue(out var due))
                {
                    due = long.MaxValue;
                }
                else if (due - _slack <= now)
                {
                    var until = now + _slack;
                    batch?.Begin();
                    try
                    {
                        FlushDue(_now, until);
                        FlushDue(_relayed, until);
                        FlushDue(_due, until);
                        FlushDue(_echoes, until);
                    }
                    finally
                    {
                        batch?.End();
                    }

                    continue;
                }

                // announce the sleep and its end, then look again: a registration made in between either sees the
                // flag (and sets the event when it is due earlier) or is seen here
                Volatile.Write(ref _wakeAt, due);
                Interlocked.Exchange(ref _sleeping, 1);
                if (TryPeekDue(out var again) && again < due)
                {
                    TakeBackSleep();
                    continue;
                }

                var timeout = due == long.MaxValue
                    ? Timeout.Infinite
                    : (int)Math.Ceiling((due - _slack - now) * 1000.0 / Stopwatch.Frequency);
                if (_signal.Wait(timeout, _stop.Token))
                {
                    _signal.Reset(); // a registration took the flag and set the event
                }
                else
                {
                    TakeBackSleep();
                }
            }
        }
        catch (OperationCanceledException)
        {
            // disposed: whatever is still registered is flushed by Dispose
        }
    }

    /// <summary>Clears the sleep flag; when a registration took it first, waits for (and consumes) its signal.</summary>
    private void TakeBackSleep()
    {
        if (Interlocked.Exchange(ref _sleeping, 0) == 0)
        {
            _signal.Wait(_stop.Token);
            _signal.Reset();
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        FlushDue(_now, long.MaxValue);
        FlushDue(_relayed, long.MaxValue);
        FlushDue(_due, long.MaxValue);
        FlushDue(_echoes, long.MaxValue);
    }
}
