using Confluent.Kafka;

namespace Collab.KafkaTestCluster;

/// <summary>
/// Time-based retention for the mock cluster, which has none of its own: it keeps up to 5 MiB or 100,000 batches per
/// partition and finds every fetch's offset by walking that log from its oldest batch, on its one thread, so a
/// consumer at the end costs it more the more it holds. Once a second this records each partition's end
/// offset and deletes the records that were already written <c>keep</c> ago — but never records a named consumer
/// group has not committed past (a persistence worker's backlog stays until it has stored it).
/// </summary>
public sealed class LogRetention : IAsyncDisposable
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    private readonly MockKafkaCluster _cluster;
    private readonly TimeSpan _keep;
    private readonly string[] _groups;
    private readonly TextWriter _log;
    private readonly CancellationTokenSource _stop = new();
    private readonly Dictionary<TopicPartition, Queue<(long Time, long End)>> _ends = [];
    private readonly Dictionary<TopicPartition, long> _deletedBefore = [];
    private readonly Task _loop;
    private long _deletedRecords;

    /// <summary>Starts deleting records older than <paramref name="keep"/> that every group in <paramref name="groups"/> has committed past.</summary>
    public LogRetention(MockKafkaCluster cluster, TimeSpan keep, IEnumerable<string> groups, TextWriter log)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(keep, TimeSpan.Zero);
        _cluster = cluster;
        _keep = keep;
        _groups = [.. groups.Where(g => !string.IsNullOrWhiteSpace(g)).Distinct(StringComparer.Ordinal)];
        _log = log;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Records deleted so far, over all partitions.</summary>
    public long DeletedRecords => Interlocked.Read(ref _deletedRecords);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
    }

    private async Task RunAsync()
    {
        var bootstrap = _cluster.BootstrapServers;
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrap, LogConnectionClose = false })
            .SetLogHandler(static (_, _) => { })
            .Build();
        using var watermarks = Reader(bootstrap, "collab-test-cluster-retention");
        // one handle per group reads that group's committed offsets (OffsetFetch); none of them ever joins
        var groups = new List<IConsumer<byte[], byte[]>>();
        try
        {
            groups.AddRange(_groups.Select(group => Reader(bootstrap, group)));
            using var timer = new PeriodicTimer(Interval);
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
            {
                try
                {
                    Trim(admin, watermarks, groups);
                }
                catch (KafkaException e)
                {
                    // a broker taken down by a test, or a topic deleted meanwhile: try again on the next tick
                    _log.WriteLine($"retention: skipped a pass: {e.Error.Reason}");
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
        finally
        {
            foreach (var group in groups)
            {
                group.Dispose();
            }
        }
    }

    private void Trim(IAdminClient admin, IConsumer<byte[], byte[]> watermarks, List<IConsumer<byte[], byte[]>> groups)
    {
        var partitions = admin.GetMetadata(RequestTimeout).Topics
            .Where(t => !t.Error.IsError)
            .SelectMany(t => t.Partitions.Select(p => new TopicPartition(t.Topic, p.PartitionId)))
            .ToList();
        if (partitions.Count == 0)
        {
            return;
        }

        var now = Environment.TickCount64;
        var committed = groups
            .Select(group => group.Committed(partitions, RequestTimeout).ToDictionary(c => c.TopicPartition, c => c.Offset.Value))
            .ToList();
        foreach (var partition in partitions)
        {
            var marks = watermarks.QueryWatermarkOffsets(partition, RequestTimeout);
            var end = marks.High.Value;
            if (!_ends.TryGetValue(partition, out var history))
            {
                _ends[partition] = history = new Queue<(long, long)>();
            }

            history.Enqueue((now, end));
            // the newest end offset recorded at least `keep` ago: everything before it is older than `keep`
            var before = -1L;
            while (history.Count > 0 && now - history.Peek().Time >= (long)_keep.TotalMilliseconds)
            {
                before = history.Dequeue().End;
            }

            foreach (var group in committed)
            {
                // a group with no committed offset here may still need all of it
                before = Math.Min(before, group.TryGetValue(partition, out var offset) && offset >= 0 ? offset : -1);
            }

            // the mock drops its oldest batches itself beyond 5 MiB: never move the log's start back
            var deleted = Math.Max(_deletedBefore.GetValueOrDefault(partition), marks.Low.Value);
            if (before > deleted)
            {
                _cluster.DeleteRecords(partition.Topic, partition.Partition.Value, before);
                _deletedBefore[partition] = before;
                Interlocked.Add(ref _deletedRecords, before - deleted);
            }
        }
    }

    private static IConsumer<byte[], byte[]> Reader(string bootstrap, string group) =>
        new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig
        {
            BootstrapServers = bootstrap,
            GroupId = group,
            EnableAutoCommit = false,
            LogConnectionClose = false,
        }).SetLogHandler(static (_, _) => { }).Build();
}
