using System.Collections.Concurrent;
using System.Diagnostics;
using Collab.SyncServer.Documents;

namespace Collab.Tests.SyncServer.Documents;

/// <summary>
/// The flusher ends each registration's own window (protocol.md §7.9: the first buffered change opens a fixed window),
/// with a separate lane for deferred echoes. Only lower bounds on time are asserted (a loaded machine may be late,
/// never early beyond the documented slack).
/// </summary>
public sealed class BroadcastFlusherTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private sealed class Probe(ConcurrentQueue<(string Name, TimeSpan At)> log, Stopwatch clock, string name) : IFlushable
    {
        public void FlushLogged() => log.Enqueue((name, clock.Elapsed));
    }

    private static async Task WaitForAsync(ConcurrentQueue<(string Name, TimeSpan At)> log, int count)
    {
        var deadline = Stopwatch.StartNew();
        while (log.Count < count)
        {
            Assert.True(deadline.Elapsed < Patience, $"only {log.Count} of {count} flushes");
            await Task.Delay(5, TestContext.Current.CancellationToken);
        }
    }

    [Fact]
    public async Task EachRegistrationIsFlushedWhenItsOwnWindowEndsNotWithAnEarlierOne()
    {
        var window = TimeSpan.FromMilliseconds(150);
        using var flusher = new BroadcastFlusher(window, echoDelay: TimeSpan.FromMinutes(1));
        var log = new ConcurrentQueue<(string Name, TimeSpan At)>();
        var clock = Stopwatch.StartNew();

        var aAt = clock.Elapsed;
        flusher.Schedule(new Probe(log, clock, "a"));
        await Task.Delay(60, TestContext.Current.CancellationToken);
        var bAt = clock.Elapsed;
        flusher.Schedule(new Probe(log, clock, "b"));
        await WaitForAsync(log, 2);

        var flushes = log.ToArray();
        Assert.Equal(["a", "b"], flushes.Select(f => f.Name));
        var early = window - BroadcastFlusher.Slack - TimeSpan.FromMilliseconds(1);
        Assert.True(flushes[0].At - aAt >= early, $"a after {(flushes[0].At - aAt).TotalMilliseconds} ms");
        Assert.True(flushes[1].At - bAt >= early, $"b after {(flushes[1].At - bAt).TotalMilliseconds} ms");
    }

    [Fact]
    public async Task EchoesHaveTheirOwnDelayAndTheThreadSleepsBetweenBursts()
    {
        using var flusher = new BroadcastFlusher(TimeSpan.FromMilliseconds(20), echoDelay: TimeSpan.FromMilliseconds(250));
        var log = new ConcurrentQueue<(string Name, TimeSpan At)>();
        var clock = Stopwatch.StartNew();

        flusher.ScheduleEcho(new Probe(log, clock, "echo"));
        flusher.Schedule(new Probe(log, clock, "window"));
        await WaitForAsync(log, 2);
        var flushes = log.ToArray();
        Assert.Equal(["window", "echo"], flushes.Select(f => f.Name));
        Assert.True(flushes[1].At >= TimeSpan.FromMilliseconds(240), $"echo after {flushes[1].At.TotalMilliseconds} ms");

        // idle, then a new registration wakes the thread again
        await Task.Delay(100, TestContext.Current.CancellationToken);
        flusher.Schedule(new Probe(log, clock, "later"));
        await WaitForAsync(log, 3);
        Assert.Equal("later", log.Last().Name);
    }

    [Fact]
    public async Task AWindowDueBeforeTheEchoTheThreadSleepsForWakesItEarly()
    {
        // the thread sleeps until a 5 s echo; a 50 ms window registered afterwards must not wait for it
        using var flusher = new BroadcastFlusher(TimeSpan.FromMilliseconds(50), echoDelay: TimeSpan.FromSeconds(5));
        var log = new ConcurrentQueue<(string Name, TimeSpan At)>();
        var clock = Stopwatch.StartNew();
        flusher.ScheduleEcho(new Probe(log, clock, "echo"));
        await Task.Delay(50, TestContext.Current.CancellationToken);

        var windowAt = clock.Elapsed;
        flusher.Schedule(new Probe(log, clock, "window"));
        await WaitForAsync(log, 1);

        var (name, at) = log.Single();
        Assert.Equal("window", name);
        Assert.True(at - windowAt < TimeSpan.FromSeconds(3), $"the window was flushed {(at - windowAt).TotalMilliseconds} ms after it opened");
    }

    [Fact]
    public void DisposeFlushesWhatIsStillRegistered()
    {
        var flusher = new BroadcastFlusher(TimeSpan.FromMinutes(1), echoDelay: TimeSpan.FromMinutes(1));
        var log = new ConcurrentQueue<(string Name, TimeSpan At)>();
        var clock = Stopwatch.StartNew();
        flusher.Schedule(new Probe(log, clock, "window"));
        flusher.ScheduleEcho(new Probe(log, clock, "echo"));

        flusher.Dispose();

        Assert.Equal(["window", "echo"], log.Select(f => f.Name));
    }
}
