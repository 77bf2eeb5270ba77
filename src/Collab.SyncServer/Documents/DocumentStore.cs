using System.Diagnostics;
using Collab.SyncServer.Hooks;
using Collab.SyncServer.Telemetry;

namespace Collab.SyncServer.Documents;

/// <summary>
/// The debounced store of one document (protocol.md §7.3.3, with the PR #1110 fix) plus what the reference lacks
/// (Appendix B3): a failed store is retried with exponential backoff, and the document counts as dirty until a
/// store that covers its last change succeeded, so it is never unloaded with unstored changes.
/// </summary>
internal sealed class DocumentStore(
    ServerDocument document,
    SyncServerOptions options,
    TimeProvider time,
    HookChain hooks,
    IServiceProvider services,
    ILogger logger,
    Action<ServerDocument> afterStore) : IDisposable
{
    public delegate DocumentStore Factory(ServerDocument document);

    private readonly Lock _lock = new();
    private readonly SemaphoreSlim _mutex = new(1, 1);
    private readonly SequenceMark _stored = new();
    private ITimer? _timer;
    private bool _armed;
    private long _due;
    private long _fireAt;
    private long? _start;
    private TimeSpan _maxDelay;
    private int _running;
    private int _failures;
    private IDictionary<string, object?> _lastContext = new Dictionary<string, object?>();
    private TransactionOrigin? _lastOrigin;
    private bool _disposed;
    private bool? _compactsLogOnly;

    /// <summary>True while a store is armed or running.</summary>
    public bool IsPending
    {
        get
        {
            lock (_lock)
            {
                return _armed || _running > 0;
            }
        }
    }

    /// <summary>True when a change has not been stored yet.</summary>
    public bool IsDirty => _stored.Value < document.ChangeSequence;

    public void ScheduleAfterChange(TransactionOrigin origin, IDictionary<string, object?> context)
    {
        lock (_lock)
        {
            _lastOrigin = origin;
            _lastContext = context;
        }

        Schedule(options.Debounce);
    }

    /// <summary>
    /// Arms (or re-arms) the store: runs it now when <paramref name="delay"/> is zero or the first postponed change is
    /// <c>MaxDebounce</c> old (less a random jitter of up to <c>MaxDebounceJitter</c>).
    /// </summary>
    public void Schedule(TimeSpan delay)
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            var now = time.GetTimestamp();
            if (_start is null)
            {
                _start = now;
                _maxDelay = MaxDelay(options, Random.Shared.NextDouble(), CompactsLogOnly);
            }

            if (delay <= TimeSpan.Zero || time.GetElapsedTime(_start.Value, now) >= _maxDelay)
            {
                Disarm();
                _start = null;
                _running++;
                _ = RunAsync();
                return;
            }

            // One timer per document, re-armed only when it would fire too early for this delay: a change costs a
            // timestamp, not a timer (when the timer fires before the debounce since the last change has passed, it
            // waits for the rest).
            _due = now + (long)(delay.TotalSeconds * time.TimestampFrequency);
            if (!_armed || _fireAt > _due)
            {
                Arm(delay, _due);
            }
        }
    }

    private void Arm(TimeSpan delay, long fireAt)
    {
        _armed = true;
        _fireAt = fireAt;
        if (_timer is null)
        {
            _timer = time.CreateTimer(static s => ((DocumentStore)s!).OnTimer(), this, delay, Timeout.InfiniteTimeSpan);
        }
        else
        {
            _timer.Change(delay, Timeout.InfiniteTimeSpan);
        }
    }

    private void Disarm()
    {
        if (_armed)
        {
            _armed = false;
            _timer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>
    /// How long continuous changes may postpone this period's store, for a random <paramref name="sample"/> in [0, 1).
    /// Documents whose edits began together would otherwise reach <c>MaxDebounce</c> together, store after store,
    /// forever; a deadline that comes a random bit earlier each period lets their stores drift apart.
    /// </summary>
    internal static TimeSpan MaxDelay(SyncServerOptions options, double sample, bool logged = false)
    {
        var max = logged && options.LoggedMaxDebounce > options.MaxDebounce ? options.LoggedMaxDebounce : options.MaxDebounce;
        var bound = Math.Min(options.MaxDebounceJitter.Ticks, max.Ticks / 5);
        return bound <= 0 ? max : max - TimeSpan.FromTicks((long)(Math.Clamp(sample, 0, 1) * bound));
    }

    /// <summary>
    /// True when this document's changes are in the update log and the only store is the embedded one that keeps it:
    /// a store then compacts the log and <see cref="SyncServerOptions.LoggedMaxDebounce"/> bounds the postponement.
    /// </summary>
    private bool CompactsLogOnly => _compactsLogOnly ??= document.Log is not null && hooks.ImplementedOnlyBy<Extensions.Sqlite.SqliteExtension>(nameof(ICollabExtension.OnStoreDocument));

    /// <summary>Runs an armed store (or a failed one) now and waits for it; true when nothing is left unstored.</summary>
    public async Task<bool> FlushAsync(CancellationToken cancellationToken)
    {
        bool armed;
        lock (_lock)
        {
            armed = _armed || IsDirty;
        }

        if (armed)
        {
            Schedule(TimeSpan.Zero);
        }

        while (true)
        {
            lock (_lock)
            {
                if (_running == 0)
                {
                    return !IsDirty;
                }
            }

            await Task.Delay(5, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The storage holds the document's changes up to <paramref name="sequence"/> already (set while loading).</summary>
    public void StartAt(long sequence) => Complete(sequence);

    /// <summary>Completes when a store covering <paramref name="sequence"/> succeeded.</summary>
    public Task WhenStoredAsync(long sequence) => _stored.WhenReachedAsync(sequence);

    private void OnTimer()
    {
        lock (_lock)
        {
            if (!_armed || _disposed)
            {
                return; // disarmed (stored meanwhile) after this callback was already on its way
            }

            var now = time.GetTimestamp();
            if (now < _due)
            {
                // Changes came after the timer was set: wait until the debounce after the last one has passed (the
                // MaxDebounce deadline is checked at every change).
                Arm(time.GetElapsedTime(now, _due), _due);
                return;
            }

            // remove the slot before waiting for a running store (PR #1110)
            _armed = false;
            _start = null;
            _running++;
        }

        _ = RunAsync();
    }

    private async Task RunAsync()
    {
        var succeeded = false;
        await _mutex.WaitAsync().ConfigureAwait(false);
        try
        {
            succeeded = await StoreOnceAsync().ConfigureAwait(false);
        }
        finally
        {
            _mutex.Release();
            lock (_lock)
            {
                _running--;
            }
        }

        if (succeeded)
        {
            afterStore(document);
        }
    }

    private async Task<bool> StoreOnceAsync()
    {
        using var activity = SyncServerTelemetry.ActivitySource.StartActivity("store document");
        activity?.SetTag("collab.document", document.Name);
        var started = Stopwatch.GetTimestamp();
        var (state, sequence) = document.Read(d => (d.EncodeStateAsUpdate(), document.ChangeSequence));
        IDictionary<string, object?> context;
        TransactionOrigin? origin;
        lock (_lock)
        {
            (context, origin) = (_lastContext, _lastOrigin);
        }

        var payload = new StoreDocumentPayload
        {
            Services = services,
            DocumentName = document.Name,
            Document = document,
            State = state,
            Sequence = sequence,
            ClientsCount = document.ConnectionCount,
            LastContext = context,
            LastTransactionOrigin = origin,
        };
        try
        {
            if (await hooks.RunAsync("onStoreDocument", payload, static (x, p) => x.OnStoreDocument(p)).ConfigureAwait(false))
            {
                await hooks.RunAsync("afterStoreDocument", payload, static (x, p) => x.AfterStoreDocument(p)).ConfigureAwait(false);
            }
        }
        catch (Exception e)
        {
            SyncServerTelemetry.StoreFailures.Add(1);
            activity?.SetStatus(ActivityStatusCode.Error, e.Message);
            var attempt = Interlocked.Increment(ref _failures);
            var delay = TimeSpan.FromTicks(Math.Min(options.StoreRetryMaxDelay.Ticks, options.StoreRetryDelay.Ticks * (1L << Math.Min(attempt - 1, 20))));
            logger.StoreFailed(document.Name, attempt, delay, e);
            Schedule(delay);
            return false;
        }
        finally
        {
            SyncServerTelemetry.StoreDuration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        Interlocked.Exchange(ref _failures, 0);
        Complete(sequence);
        logger.DocumentStored(document.Name);
        return true;
    }

    private void Complete(long sequence)
    {
        document.Log?.Covered(sequence);
        _stored.Advance(sequence);
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            _armed = false;
            _timer?.Dispose();
            _timer = null;
        }

        _stored.Cancel();
    }
}
