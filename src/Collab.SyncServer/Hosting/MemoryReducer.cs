using Collab.SyncServer.Telemetry;
using Microsoft.Extensions.Options;

namespace Collab.SyncServer.Hosting;

/// <summary>
/// Gives memory back after a burst (what V8's memory reducer does for Node): once the managed heap has grown by
/// <see cref="MemoryReducerPolicy.GrowthBytes"/> since the last reduction and the process has then allocated little
/// for a few seconds, one compacting, decommitting collection (<see cref="GCCollectionMode.Aggressive"/>) runs. After
/// thousands of sockets connect, the garbage and the fragmentation the burst left behind otherwise stay resident for
/// as long as the sockets sit idle, because an idle server allocates too little to trigger any collection. Under
/// load it never runs (the allocation rate is above the quiet threshold), so it adds no pause to edits.
/// </summary>
internal sealed class MemoryReducer(IOptions<SyncServerOptions> options, TimeProvider time, ILogger<MemoryReducer> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.MemoryReducer)
        {
            return;
        }

        var policy = new MemoryReducerPolicy(Committed());
        using var timer = new PeriodicTimer(MemoryReducerPolicy.SampleInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                if (!policy.Sample(GC.GetTotalAllocatedBytes(precise: false), Committed()))
                {
                    continue;
                }

                var before = Committed();
                GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
                var after = Committed();
                policy.Reduced(after);
                SyncServerTelemetry.MemoryReductions.Add(1);
                logger.MemoryReduced(before / 1048576.0, after / 1048576.0);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private static long Committed() => GC.GetGCMemoryInfo().TotalCommittedBytes;
}

/// <summary>When <see cref="MemoryReducer"/> collects: growth since the last reduction, then a quiet spell.</summary>
internal sealed class MemoryReducerPolicy(long committed)
{
    /// <summary>How often the heap is sampled.</summary>
    public static readonly TimeSpan SampleInterval = TimeSpan.FromSeconds(1);

    /// <summary>Growth of the committed managed heap since the last reduction that makes one worthwhile.</summary>
    public const long GrowthBytes = 32L * 1024 * 1024;

    /// <summary>Allocation per sample below which the process counts as quiet.</summary>
    public const long QuietBytesPerSample = 2L * 1024 * 1024;

    /// <summary>Consecutive quiet samples before reducing.</summary>
    public const int QuietSamples = 3;

    private long _base = committed;
    private long _lastAllocated = -1;
    private int _quiet;

    /// <summary>Records a sample; true when a reduction should run now.</summary>
    public bool Sample(long totalAllocated, long committed)
    {
        var allocated = _lastAllocated < 0 ? long.MaxValue : totalAllocated - _lastAllocated;
        _lastAllocated = totalAllocated;
        _quiet = allocated < QuietBytesPerSample ? _quiet + 1 : 0;
        _base = Math.Min(_base, committed); // the heap shrank by itself: measure growth from there
        return _quiet >= QuietSamples && committed - _base >= GrowthBytes;
    }

    /// <summary>A reduction ran and left <paramref name="committed"/> bytes committed.</summary>
    public void Reduced(long committed)
    {
        _base = committed;
        _quiet = 0;
    }
}
