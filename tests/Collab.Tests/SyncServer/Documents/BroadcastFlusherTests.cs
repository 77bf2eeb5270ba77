using System.Collections.Concurrent;
using System.Diagnostics;
using Collab.SyncServer.Documents;

namespace Collab.Tests.SyncServer.Documents;

/// <summary>
/// The flusher ends each registration's own window (protocol.md §7.9: the first buffered change opens a fixed window),
/// with separate lanes for deferred echoes and for the windows relayed changes open. Only lower bounds on time are asserted (a loaded machine may be late,
/// never early beyond the documented slack).
/// </summary>
public sealed class BroadcastFlusherTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    /// <summary>Records when each of its probes is flushed, on one clock started with it.</summary>
    private sealed class Recorder
    {
        private readonly Stopwatch _clock = Stopwatch.StartNew();

        public ConcurrentQueue<(string Name, TimeSpan At)> Log { get; } = new();

        public TimeSpan Now => _clock.Elapsed;

        public IFlushable Probe(string name) => new Flushed(this, name);

        public async Task WaitForAsync(int count)
        {
            var deadline = Stopwatch.StartNew();
            while (Log.Count < count)
            {
                Assert.True(deadline.Elapsed < Patience, $"only {Log.Count} of {count} flushes");
                await Task.Delay(5, TestContext.Current.CancellationToken);
            }
        }

        private sealed class Flushed(Recorder recorder, string name) : IFlushable
        {
            public void FlushLogged() => recorder.Log.Enqueue((name, recorder.Now));
        }
    }

    [Fact]
    public async Task EachRegistrationIsFlushedWhenItsOwnWindowEndsNotWithAnEarlierOne()
    {
        var window = TimeSpan.FromMilliseconds(150);
        using var flusher = new BroadcastFlusher(window, echoDelay: TimeSpan.FromMinutes(1));
        var recorder = new Recorder();

        var aAt = recorder.Now;
        flusher.Schedule(recorder.Probe("a"));
        await Task.Delay(60, TestContext.Current.CancellationToken);
        var bAt = recorder.Now;
        flusher.Schedule(recorder.Probe("b"));
        await recorder.WaitForAsync(2);

        var flushes = recorder.Log.ToArray();
        Assert.Equal(["a", "b"], flushes.Select(f => f.Name));
        var early = window - BroadcastFlusher.Slack - TimeSpan.FromMilliseconds(1);
        Assert.True(flushes[0].At - aAt >= early, $"a after {(flushes[0].At - aAt).TotalMilliseconds} ms");
        Assert.True(flushes[1].At - bAt >= early, $"b after {(flushes[1].At - bAt).TotalMilliseconds} ms");
    }

    [Fact]
    public async Task EchoesHaveTheirOwnDelayAndTheThreadSleepsBetweenBursts()
    {
        using var flusher = new BroadcastFlusher(TimeSpan.FromMilliseconds(20), echoDelay: TimeSpan.FromMilliseconds(250));
        var recorder = new Recorder();

        flusher.ScheduleEcho(recorder.Probe("echo"));
        flusher.Schedule(recorder.Probe("window"));
        await recorder.WaitForAsync(2);
        var flushes = recorder.Log.ToArray();
        Assert.Equal(["window", "echo"], flushes.Select(f => f.Name));
        Assert.True(flushes[1].At >= TimeSpan.FromMilliseconds(240), $"echo after {flushes[1].At.TotalMilliseconds} ms");

        // idle, then a new registration wakes the thread again
        await Task.Delay(100, TestContext.Current.CancellationToken);
        flusher.Schedule(recorder.Probe("later"));
        await recorder.WaitForAsync(3);
        Assert.Equal("later", recorder.Log.Last().Name);
    }

    [Fact]
    public async Task AWindowDueBeforeTheEchoTheThreadSleepsForWakesItEarly()
    {
        // the thread sleeps until a 5 s echo; a 50 ms window registered afterwards must not wait for it
        using var flusher = new BroadcastFlusher(TimeSpan.FromMilliseconds(50), echoDelay: TimeSpan.FromSeconds(5));
        var recorder = new Recorder();
        flusher.ScheduleEcho(recorder.Probe("echo"));
        await Task.Delay(50, TestContext.Current.CancellationToken);

        var windowAt = recorder.Now;
        flusher.Schedule(recorder.Probe("window"));
        await recorder.WaitForAsync(1);

        var (name, at) = recorder.Log.Single();
        Assert.Equal("window", name);
        Assert.True(at - windowAt < TimeSpan.FromSeconds(3), $"the window was flushed {(at - windowAt).TotalMilliseconds} ms after it opened");
    }

    [Fact]
    public async Task RelayedWindowsHaveTheirOwnShortDelay()
    {
        // a minute-long local window registered first must not hold back the relayed window registered after it
        using var flusher = new BroadcastFlusher(TimeSpan.FromMinutes(1), echoDelay: TimeSpan.FromMinutes(1), relayDelay: TimeSpan.FromMilliseconds(100));
        var recorder = new Recorder();
        flusher.Schedule(recorder.Probe("window"));

        var relayedAt = recorder.Now;
        flusher.ScheduleRelayed(recorder.Probe("relayed"));
        await recorder.WaitForAsync(1);

        var (name, at) = recorder.Log.Single();
        Assert.Equal("relayed", name);
        var early = TimeSpan.FromMilliseconds(100) - BroadcastFlusher.Slack - TimeSpan.FromMilliseconds(1);
        Assert.True(at - relayedAt >= early, $"the relayed window was flushed {(at - relayedAt).TotalMilliseconds} ms after it opened");
    }

    [Fact]
    public void DisposeFlushesWhatIsStillRegistered()
    {
        var flusher = new BroadcastFlusher(TimeSpan.FromMinutes(1), echoDelay: TimeSpan.FromMinutes(1), relayDelay: TimeSpan.FromMinutes(1));
        var recorder = new Recorder();
        flusher.Schedule(recorder.Probe("window"));
        flusher.ScheduleRelayed(recorder.Probe("relayed"));
        flusher.ScheduleEcho(recorder.Probe("echo"));

        flusher.Dispose();

        Assert.Equal(["relayed", "window", "echo"], recorder.Log.Select(f => f.Name));
    }
}
